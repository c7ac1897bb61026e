"""Japanese phrase banks (X register: 草, w, です/ます mixed with plain form)."""

LANG = "ja"

BANKS = {
    "brands": {
        "aurora": ("オーロラ", "Aurora"),
        "nimbus": ("ニンバス", "Nimbus"),
        "zephyr": ("ゼファー", "Zephyr"),
    },
    "products": {
        "aurora": ("Aurora X5", "Aurora X4", "Aurora Buds 2", "Aurora Watch S"),
        "nimbus": ("Nimbus Pro 12", "Nimbus Air", "Nimbus Pro 11"),
        "zephyr": ("Zephyr Z9", "Zephyr Fold"),
    },
    "pos": (
        "カメラが本当にすごい",
        "バッテリーが二日もつ",
        "画面がめちゃくちゃ綺麗",
        "夜景モードが神",
        "充電が爆速",
        "作りがしっかりしてる",
        "動作がサクサク",
        "コスパ最強",
    ),
    "neg": (
        "バッテリーの減りが早すぎる",
        "ゲームするとすごく熱くなる",
        "アップデートでWi-Fiが切れるようになった",
        "カメラアプリが落ちる",
        "サポートの対応が最悪",
        "値段が高すぎる",
        "二週間で壊れた",
    ),
    "neu": (
        "今週アップデートが来るらしい",
        "色は三色",
        "256GBモデルです",
        "金曜から予約開始",
        "日本での価格は12万円",
        "eSIM対応してる",
    ),
    "posts": {
        "positive": (
            "{p}買ってよかった、{pos}{e}",
            "{p}一週間使ってみたけど{pos}。{b}やるじゃん{e} {tag}",
            "{c}から{b}に乗り換えたけど{pos}{e}",
            "{p}、{pos}し{pos}。最高{e}",
            "{p}届いた！{pos}{e}{tag}",
        ),
        "neutral": (
            "{p}使ってる人いる？{neu}？",
            "{b}公式によると{neu} {url}",
            "{p}と{c}どっちがいいんだろう",
            "{p}気になってる。{neu}？{tag}",
            "{at} {neu}ですか？",
        ),
        "negative": (
            "{p}、{neg}。がっかり{e}",
            "{b}さん、{neg}んですけど{e} {at}",
            "{neg}、もう{b}は買わない{e}",
            "{p}三日目：{neg}{e}",
            "{c}に戻した。{neg}{e}",
        ),
    },
    "replies": {
        "positive": ("わかる{e}", "それな", "うちのも{pos}", "同じく満足してます"),
        "neutral": ("どのモデル？", "{neu}？", "気になる", "ソースある？"),
        "negative": ("うちも同じ症状{e}", "それな、{neg}", "草", "返品したわ"),
    },
    "titles": {
        "positive": ("{p}長期レビュー：{pos}", "{p}カメラ比較、{pos}"),
        "neutral": ("{p} vs {c} どっちを買うべき？", "{p}開封レビュー", "{p} スペックまとめ"),
        "negative": ("{p}の不具合：{neg}", "{p}買う前に見て"),
    },
    "news": ("{b}は火曜日、{neu}と発表した。", "{p}は{c}と真っ向から競合する見通しだ。"),
    "category": (
        "今一番カメラがいいスマホってどれ？",
        "スマホの電池持ち悪くなってきた{e}",
        "機種変しようか迷ってる",
    ),
    "noise": ("アイスランドでオーロラ見てきた、一生の思い出{e}", "今夜はオーロラ予報Kp6"),
    "stories": {
        "launch": {
            "positive": (
                "{p}きたー！{e}{tag}",
                "{b}の発表会見た、{pos}{e}{tag}",
                "{p}即予約した{e}{tag}",
            ),
            "neutral": ("{b}が{p}を発表 {url}{tag}", "{p}発表会まとめ {url}"),
            "negative": ("{p}高すぎん？{neg}",),
        },
        "live": {"positive": ("きたああ", "神", "8888"), "neutral": ("値段は？", "日本発売ある？")},
        "crisis": {
            "negative": (
                "{p}充電中に熱くなりすぎて持てない、{b}説明して{e}{tag}",
                "{p}発熱で画面真っ暗、焦げた匂いがする{e}",
                "{p}の過熱の動画多すぎ、夜の充電やめとこ{tag}",
            ),
            "neutral": ("{b}、{p}の発熱について調査中と発表 {url}",),
        },
        "campaign": {
            "positive": ("{tag}に参加！{p}の夜景モード{e}", "{b}の夜景ずるいw{e}{tag}"),
            "neutral": ("{b}が{tag}キャンペーン開催中 {url}",),
        },
    },
    "tags": {
        "aurora": ("AuroraX5", "オーロラX5"),
        "nimbus": ("NimbusPro12",),
        "zephyr": ("ZephyrZ9",),
        "category": ("スマホ", "ガジェット"),
        "launch": ("AuroraX5", "オーロラX5"),
        "crisis": ("AuroraX5",),
        "campaign": ("NimbusNightShot",),
        "spam": ("AuroraX5",),
    },
    "emoji": {
        "positive": ("😍", "✨", "w", "ｗｗ", "🙏", ""),
        "neutral": ("🤔", "", ""),
        "negative": ("😇", "😡", "…", "💢", ""),
    },
    "slang": ("正直", "マジで", "草", "", "", ""),
}

"""Traditional Chinese phrase banks (Taiwan and Hong Kong register: PTT, YouTube, X).

Written in traditional characters and Taiwanese wording (手機, 電池, 螢幕, 超讚, 笑死) so a
query typed in simplified characters (极光 过热) can be shown to find these posts.
"""

LANG = "zh-Hant"

BANKS = {
    "brands": {
        "aurora": ("極光", "極光手機", "Aurora"),
        "nimbus": ("雲雀", "雲雀手機"),
        "zephyr": ("澤菲", "Zephyr"),
    },
    "products": {
        "aurora": ("極光X5", "極光X4", "極光X4 Lite", "極光耳機2", "極光手錶S"),
        "nimbus": ("雲雀Pro 12", "雲雀Air", "雲雀Pro 11"),
        "zephyr": ("澤菲Z9", "澤菲摺疊機", "澤菲Z8"),
    },
    "pos": (
        "拍照真的超讚",
        "電池撐兩天沒問題",
        "螢幕在戶外也很清楚",
        "夜拍模式太強了",
        "充電二十分鐘就滿",
        "手感很好，做工很細緻",
        "系統很順，沒有廣告",
        "CP值超高",
        "望遠拍演唱會超清楚",
    ),
    "neg": (
        "電池太不耐用，下午就沒電",
        "玩遊戲燙到不行",
        "更新後wifi一直斷線",
        "相機一直閃退",
        "客服態度很差",
        "螢幕有點偏綠",
        "價格太貴不值得",
        "喇叭有雜音",
        "用兩週就壞了",
    ),
    "neu": (
        "這週會推送更新",
        "有三個顏色",
        "是256G版本",
        "週五開始預購",
        "台灣售價23990",
        "有支援eSIM嗎",
        "舊款的殼可以用嗎",
    ),
    "posts": {
        "positive": (
            "{p}真的很讚，{pos}{e}",
            "用了一週{p}，{pos}，{b}這次真的有誠意{e} {tag}",
            "{s}{p}{pos}！{e}",
            "從{c}換到{b}，{pos}，回不去了{e}",
            "{p}心得：{pos}，{pos}，推推{tag}",
            "新機入手！{p}第一印象：{pos}{e}",
        ),
        "neutral": (
            "有人用過{p}嗎？{neu}",
            "{b}官方說{neu} {url}",
            "在考慮要不要買{p}，{neu}？",
            "{p}跟{c}要選哪個？",
            "{at} 請問{neu}？",
        ),
        "negative": (
            "對{p}好失望，{neg}{e}",
            "{b}可以處理一下嗎，{neg}{e}",
            "{s}{neg}，不會再買{b}了{e}",
            "{p}用了三天：{neg}{e}",
            "{p}退貨了，{neg}，而且{neg}",
            "換回{c}了，{neg}{e}",
        ),
    },
    "replies": {
        "positive": ("推 {pos}", "推，同款超愛{e}", "真的，{pos}", "同意+1"),
        "neutral": ("求連結", "哪個版本？", "{neu}？", "坐等後續"),
        "negative": ("噓 {neg}", "我也有這問題{e}", "真的很扯", "所以我退貨了"),
    },
    "titles": {
        "positive": ("[心得] {p} 一個月使用心得", "[開箱] {p} {pos}", "{p}實測：{pos}"),
        "neutral": ("[問題] {p}跟{c}怎麼選", "[情報] {p}規格", "[問題] {p}值得買嗎"),
        "negative": ("[問題] {p}{neg}", "[心得] {p}踩雷", "{b}售後太誇張"),
    },
    "news": (
        "{b}週二宣布{neu}。公司表示，{p}仍是最暢銷的機型。",
        "分析師認為，{p}將在高階市場與{c}正面競爭。",
    ),
    "category": (
        "現在哪支手機拍照最好？",
        "手機電池越來越不耐用{e}",
        "今年想換手機，求推薦",
        "手機真的越來越貴了",
    ),
    "noise": ("去冰島追極光的行程分享，真的超美{e}", "北極光一生一定要看一次"),
    "stories": {
        "launch": {
            "positive": (
                "{p}來了！{e}{tag}",
                "看完{b}發表會，{pos}{e}{tag}",
                "{p}正式發表：{pos}，已預購{e}{tag}",
            ),
            "neutral": ("{p}正式發表，台灣售價{n}990元 {url}", "{p}發表會重點整理 {url}"),
            "negative": ("{p}這價格？{neg}",),
        },
        "live": {
            "positive": ("來了來了", "好帥", "買爆"),
            "neutral": ("台灣價格？", "前排", "什麼時候開賣"),
        },
        "crisis": {
            "negative": (
                "{p}充電燙到拿不住，{b}出來說明！{e}",
                "{p}充電時突然黑屏，還有燒焦味，嚇死{e}",
                "{p}過熱爆炸？{b}還不回收嗎{e}",
                "看到好多{p}電池膨脹過熱的影片，晚上先別充電了",
            ),
            "neutral": ("{b}回應{p}過熱：正在調查，將推送軟體更新 {url}",),
        },
        "campaign": {
            "positive": ("參加{tag}，{p}夜拍直出{e}", "{b}夜拍根本開外掛{e}{tag}"),
            "neutral": ("{b}這週辦{tag}活動 {url}",),
        },
    },
    "tags": {
        "aurora": ("極光X5", "極光手機"),
        "nimbus": ("雲雀Pro12",),
        "zephyr": ("澤菲Z9",),
        "category": ("3C", "手機"),
        "launch": ("極光X5發表會", "極光X5"),
        "crisis": ("極光X5過熱",),
        "campaign": ("NimbusNightShot",),
        "spam": ("極光X5",),
    },
    "emoji": {
        "positive": ("😍", "👍", "🔥", "✨", "XD", ""),
        "neutral": ("🤔", "", ""),
        "negative": ("😡", "💢", "= =", "😤", ""),
    },
    "slang": ("笑死，", "說真的，", "老實說", "", "", ""),
    "repost": ("", "分享", "推"),
}

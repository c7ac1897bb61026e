"""English phrase banks (US/UK social media register: lowercase, ngl, tbh, emoji)."""

LANG = "en"

BANKS = {
    "brands": {
        "aurora": ("Aurora", "aurora", "AURORA"),
        "nimbus": ("Nimbus", "nimbus"),
        "zephyr": ("Zephyr", "zephyr"),
    },
    "products": {
        "aurora": ("Aurora X5", "Aurora X4", "Aurora X4 Lite", "Aurora Buds 2", "Aurora Watch S"),
        "nimbus": ("Nimbus Pro 12", "Nimbus Air", "Nimbus Pro 11", "Nimbus Tab"),
        "zephyr": ("Zephyr Z9", "Zephyr Fold", "Zephyr Z8"),
    },
    "pos": (
        "the camera is honestly insane",
        "battery easily lasts two days",
        "the screen is gorgeous outdoors",
        "night mode is next level",
        "it charges to 100% in like 25 minutes",
        "the build quality feels premium",
        "software is smooth and clean, zero bloat",
        "best phone I've owned",
        "the zoom shots came out super sharp",
        "it's worth every penny",
    ),
    "neg": (
        "the battery dies by 3pm",
        "it gets way too hot when gaming",
        "the update broke my wifi",
        "the camera app keeps crashing",
        "customer support is useless",
        "the screen has a weird green tint",
        "it's overpriced for what you get",
        "the speaker crackles at full volume",
        "face unlock barely works",
        "mine died after two weeks",
    ),
    "neu": (
        "the update is rolling out this week",
        "it comes in three colors",
        "it's the 256GB model",
        "pre-orders open friday",
        "price is $799 in the US",
        "does it support eSIM",
        "the case fits the older model too",
        "is it worth upgrading from last year's model",
    ),
    "posts": {
        "positive": (
            "ok the {p} is actually amazing, {pos} {e}",
            "been using the {p} for a week now and {pos}. {b} cooked with this one {e} {tag}",
            "{s} {pos} on my {p} {e}",
            "switched from {c} to {b} and never going back. {pos} {e}",
            "{p} review: {pos}, and {pos}. 9/10 {tag}",
            "shoutout to {b}, {pos} {e} {at}",
            "my {p} just arrived!!! first impression: {pos} {e} {tag}",
            "unpopular opinion but {b} > {c}. {pos} {e}",
        ),
        "neutral": (
            "anyone tried the {p}? {neu}",
            "{b} says {neu} {url}",
            "thinking about getting the {p}, {neu}? {tag}",
            "{p} vs {c}, which one should I get",
            "PSA for {b} users: {neu} {url}",
            "hands-on with the {p} later today {tag}",
            "{at} quick question, {neu}?",
            "so {neu}. thoughts on the {p}?",
        ),
        "negative": (
            "really disappointed with my {p}, {neg} {e}",
            "{b} please fix this, {neg} {e} {at}",
            "{s} {neg}. never buying {b} again {e}",
            "day 3 with the {p}: {neg} {e} {tag}",
            "returned my {p}. {neg} and {neg}",
            "why does nobody talk about how {neg} on the {p}? {e}",
            "going back to {c}, {neg} {e}",
            "{p} is a mess. {neg} {url}",
        ),
    },
    "replies": {
        "positive": (
            "same, love mine {e}",
            "this!! {e}",
            "agreed, {pos}",
            "facts {e}",
            "can confirm, {pos}",
        ),
        "neutral": ("source?", "which model?", "{neu}?", "following", "how long have you had it"),
        "negative": (
            "same problem here {e}",
            "yep {neg}",
            "mine too smh",
            "this is why I returned it",
            "lol no, {neg}",
        ),
    },
    "titles": {
        "positive": (
            "{p} long-term review: {pos}",
            "I was wrong about the {p}",
            "{p} camera test: {pos}",
            "Why I switched from {c} to {b}",
        ),
        "neutral": (
            "{p} vs {c}: which should you buy?",
            "{p} unboxing and first impressions",
            "Question about the {p}",
            "{p} full specs",
        ),
        "negative": (
            "{p} problems: {neg}",
            "Don't buy the {p} before watching this",
            "Anyone else? {neg} on my {p}",
            "{b} customer service is a joke",
        ),
    },
    "news": (
        "{b} announced on Tuesday that {neu}. The company said"
        " the {p} remains its best-selling model.",
        "Analysts expect the {p} to compete directly with {c} in the premium segment.",
        "In our testing, {pos}, although {neg}.",
    ),
    "category": (
        "which phone has the best camera right now",
        "my phone battery is dying so fast lately {e}",
        "thinking of upgrading my phone this year, any recs?",
        "phones are getting way too expensive tbh",
        "foldables or regular phones, what do you prefer",
    ),
    "noise": (
        "the aurora borealis last night was unreal {e}",
        "drove 3 hours to see the northern lights. aurora forecast says Kp 6 tonight",
        "aurora season in Iceland is so worth it",
        "my daughter Aurora turned 5 today {e}",
    ),
    "stories": {
        "launch": {
            "positive": (
                "THE {p} IS HERE {e} {tag}",
                "watching the {b} launch live and wow, {pos} {e} {tag}",
                "{p} just launched: {pos}. pre-ordered instantly {e} {tag}",
                "{b} really said take my money. {p} looks incredible {tag}",
                "that {p} camera demo... {pos} {e} {tag}",
            ),
            "neutral": (
                "{p} launch recap: {neu} {url} {tag}",
                "{p} announced, pre-orders open now {tag}",
                "live blog: {b} unveils the {p} {url}",
            ),
            "negative": (
                "{p} at that price? {neg} {tag}",
                "that launch event was boring, nothing new in the {p} {e}",
            ),
        },
        "live": {
            "positive": ("LETS GOOO", "{e}{e}", "take my money", "that camera tho", "W launch"),
            "neutral": ("price??", "when in EU?", "first", "hello from Ohio", "colors?"),
        },
        "crisis": {
            "negative": (
                "my {p} got SO hot it burned my hand, {b} what is this {e} {tag}",
                "{p} overheating while charging, screen went black"
                " and it smells like burnt plastic {e}",
                "seeing reports of the {p} battery swelling and"
                " overheating. unplug your phones people {tag}",
                "not charging my {p} overnight anymore after these overheating videos {e}",
                "{b} stay silent while {p} phones are literally"
                " overheating. recall when? {tag} {at}",
                "update: {p} overheated again, now the back glass is cracked {e} {url}",
            ),
            "neutral": (
                "{b} says it is investigating reports of {p} overheating {url}",
                "{b} statement on {p} battery overheating: software fix coming {tag}",
            ),
        },
        "campaign": {
            "positive": (
                "my entry for {tag} {e} shot on {p}",
                "city at 2am, {p} night mode, no tripod {e} {tag}",
                "{b} night mode is cheating lol {e} {tag}",
                "joined the {tag} challenge, {pos} {e}",
            ),
            "neutral": (
                "{b} is running the {tag} contest this week, prizes {url}",
                "how do you enter {tag}? {at}",
            ),
        },
        "spam": {
            "neutral": (
                "🔥🔥 {p} for only ${n}!!! Limited stock, claim yours now 👉 {url} {tag}",
                "🔥 {p} GIVEAWAY 🔥 only ${n} today, claim now 👉 {url} {tag}",
                "{p} only ${n}!!! limited stock 🔥 claim yours 👉 {url} {tag}",
            ),
        },
    },
    "tags": {
        "aurora": ("AuroraX5", "Aurora", "TeamAurora"),
        "nimbus": ("Nimbus", "NimbusPro12"),
        "zephyr": ("ZephyrZ9", "Zephyr"),
        "category": ("smartphones", "tech", "android"),
        "launch": ("AuroraX5", "AuroraLaunch"),
        "crisis": ("AuroraX5", "X5overheating"),
        "campaign": ("NimbusNightShot",),
        "spam": ("AuroraX5", "giveaway", "deal"),
    },
    "emoji": {
        "positive": ("🔥", "😍", "🙌", "💯", "😭🙏", "✨", "👏", "🚀", ""),
        "neutral": ("🤔", "👀", "📱", "", ""),
        "negative": ("😡", "🤬", "😤", "💀", "👎", "🙄", ""),
    },
    "slang": ("ngl", "tbh", "lowkey", "fr", "honestly", "lol", "", "", ""),
}

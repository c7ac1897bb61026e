"""German phrase banks (X/Mastodon/Reddit register: krass, echt, halt, Handy)."""

LANG = "de"

BANKS = {
    "brands": {
        "aurora": ("Aurora", "aurora"),
        "nimbus": ("Nimbus",),
        "zephyr": ("Zephyr",),
    },
    "products": {
        "aurora": ("Aurora X5", "Aurora X4", "Aurora Buds 2", "Aurora Watch S"),
        "nimbus": ("Nimbus Pro 12", "Nimbus Air", "Nimbus Pro 11"),
        "zephyr": ("Zephyr Z9", "Zephyr Fold"),
    },
    "pos": (
        "die Kamera ist der Hammer",
        "der Akku hält locker zwei Tage",
        "das Display ist richtig hell",
        "der Nachtmodus ist krass",
        "es lädt in zwanzig Minuten voll",
        "die Verarbeitung ist top",
        "das System läuft super flüssig",
        "das Preis-Leistungs-Verhältnis stimmt",
    ),
    "neg": (
        "der Akku ist um 15 Uhr leer",
        "es wird beim Zocken viel zu heiß",
        "das Update hat das WLAN kaputt gemacht",
        "die Kamera-App stürzt ständig ab",
        "der Support ist eine Katastrophe",
        "es ist viel zu teuer",
        "es ist nach zwei Wochen kaputt gegangen",
    ),
    "neu": (
        "das Update kommt diese Woche",
        "es gibt drei Farben",
        "es ist die 256-GB-Version",
        "Vorbestellungen starten Freitag",
        "der Preis in Deutschland liegt bei 899 Euro",
        "unterstützt es eSIM",
    ),
    "posts": {
        "positive": (
            "das {p} ist echt krass, {pos} {e}",
            "eine Woche mit dem {p}: {pos}. Gut gemacht {b} {e} {tag}",
            "von {c} zu {b} gewechselt, {pos} {e}",
            "{s} {pos} beim {p} {e}",
            "mein {p} ist da!!! {pos} {e} {tag}",
        ),
        "neutral": (
            "hat jemand das {p}? {neu}",
            "{b} sagt, {neu} {url}",
            "{p} oder {c}, was meint ihr?",
            "{at} kurze Frage: {neu}?",
            "überlege das {p} zu kaufen, {neu}? {tag}",
        ),
        "negative": (
            "echt enttäuscht vom {p}, {neg} {e}",
            "{b} bitte fixen, {neg} {e} {at}",
            "{s} {neg}, nie wieder {b} {e}",
            "{p} zurückgeschickt, {neg} und {neg}",
            "zurück zu {c}, {neg} {e}",
        ),
    },
    "replies": {
        "positive": (
            "same, bin voll zufrieden {e}",
            "absolut {e}",
            "genau, {pos}",
            "kann ich bestätigen",
        ),
        "neutral": ("Quelle?", "welches Modell?", "{neu}?", "folge"),
        "negative": (
            "gleiches Problem hier {e}",
            "jup, {neg}",
            "deswegen hab ichs zurückgeschickt",
            "nope, {neg}",
        ),
    },
    "titles": {
        "positive": ("{p} im Test: {pos}", "{p} nach einem Monat: {pos}"),
        "neutral": ("{p} oder {c}: welches kaufen?", "{p} Unboxing", "{p}: alle Daten"),
        "negative": ("{p} Probleme: {neg}", "Kauft das {p} nicht, bevor ihr das seht"),
    },
    "news": ("{b} kündigte am Dienstag an, {neu}.", "Das {p} tritt direkt gegen {c} an."),
    "category": (
        "welches Handy hat gerade die beste Kamera?",
        "mein Handy-Akku ist am Ende {e}",
        "brauche ein neues Handy, Tipps?",
    ),
    "noise": (
        "Polarlichter über Rügen gestern, Aurora borealis in Deutschland {e}",
        "Aurora-Warnung: heute Nacht Polarlichter möglich",
    ),
    "stories": {
        "launch": {
            "positive": (
                "das {p} ist da {e} {tag}",
                "{b} Keynote geschaut: {pos} {e} {tag}",
                "{p} direkt vorbestellt {e} {tag}",
            ),
            "neutral": ("{b} stellt das {p} vor {url} {tag}", "alles zum {p} {url}"),
            "negative": ("das {p} zu dem Preis? {neg}",),
        },
        "crisis": {
            "negative": (
                "mein {p} ist so heiß geworden, dass ich mir die Hand"
                " verbrannt hab, {b} was soll das {e} {tag}",
                "{p} überhitzt beim Laden, Bildschirm schwarz und es riecht verbrannt {e}",
                "immer mehr Videos von überhitzten {p}, lasst die nachts nicht am Ladekabel {tag}",
            ),
            "neutral": ("{b} prüft Berichte über überhitzte {p} {url}",),
        },
        "campaign": {
            "positive": (
                "mein Beitrag zu {tag}, mit dem {p} {e}",
                "der Nachtmodus von {b} ist Cheaten {e} {tag}",
            ),
            "neutral": ("{b} startet diese Woche den {tag} Wettbewerb {url}",),
        },
    },
    "tags": {
        "aurora": ("AuroraX5", "Aurora"),
        "nimbus": ("Nimbus",),
        "zephyr": ("ZephyrZ9",),
        "category": ("Smartphone", "Technik"),
        "launch": ("AuroraX5",),
        "crisis": ("AuroraX5",),
        "campaign": ("NimbusNightShot",),
        "spam": ("AuroraX5",),
    },
    "emoji": {
        "positive": ("😍", "🔥", "👍", "💪", ""),
        "neutral": ("🤔", "", ""),
        "negative": ("😡", "🙄", "🤦", ""),
    },
    "slang": ("ehrlich gesagt", "krass,", "echt jetzt,", "lol", "", "", ""),
}

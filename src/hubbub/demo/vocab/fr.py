"""French phrase banks (X/Reddit register: mdr, franchement, trop, dropped negation 'ne')."""

LANG = "fr"

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
        "l'appareil photo est incroyable",
        "la batterie tient deux jours",
        "l'écran est magnifique",
        "le mode nuit est bluffant",
        "ça charge en vingt minutes",
        "la finition est top",
        "le système est fluide",
        "le rapport qualité-prix est imbattable",
    ),
    "neg": (
        "la batterie est morte à 15h",
        "ça chauffe beaucoup trop en jeu",
        "la mise à jour a cassé le wifi",
        "l'appli photo plante tout le temps",
        "le SAV est une catastrophe",
        "c'est beaucoup trop cher",
        "il a lâché au bout de deux semaines",
    ),
    "neu": (
        "la mise à jour arrive cette semaine",
        "il existe en trois couleurs",
        "c'est la version 256 Go",
        "les précommandes ouvrent vendredi",
        "le prix en France est de 899 €",
        "il est compatible eSIM",
    ),
    "posts": {
        "positive": (
            "franchement le {p} est une dinguerie, {pos} {e}",
            "une semaine avec le {p} : {pos}. Bravo {b} {e} {tag}",
            "passé de {c} à {b} et aucun regret, {pos} {e}",
            "{s} {pos} sur mon {p} {e}",
            "reçu mon {p} !!! {pos} {e} {tag}",
        ),
        "neutral": (
            "quelqu'un a testé le {p} ? {neu}",
            "{b} annonce que {neu} {url}",
            "j'hésite entre le {p} et {c}",
            "{at} petite question, {neu} ?",
            "le {p} sort bientôt, {neu} {tag}",
        ),
        "negative": (
            "super déçu de mon {p}, {neg} {e}",
            "{b} réglez ça svp, {neg} {e} {at}",
            "{s} {neg}, plus jamais {b} {e}",
            "{p} renvoyé, {neg} et {neg}",
            "retour chez {c}, {neg} {e}",
        ),
    },
    "replies": {
        "positive": ("pareil, j'adore {e}", "clairement {e}", "grave, {pos}", "validé"),
        "neutral": ("source ?", "quel modèle ?", "{neu} ?", "je suis le sujet"),
        "negative": (
            "même problème {e}",
            "ouais {neg}",
            "mdr non, {neg}",
            "c'est pour ça que je l'ai rendu",
        ),
    },
    "titles": {
        "positive": ("Test du {p} : {pos}", "{p}, un mois après : {pos}"),
        "neutral": (
            "{p} ou {c} : lequel choisir ?",
            "Déballage du {p}",
            "{p} : la fiche technique",
        ),
        "negative": ("{p} : {neg}", "N'achetez pas le {p} avant de voir ça"),
    },
    "news": (
        "{b} a annoncé mardi que {neu}.",
        "Le {p} affrontera directement {c} sur le haut de gamme.",
    ),
    "category": (
        "c'est quoi le meilleur smartphone photo en ce moment ?",
        "ma batterie tient plus rien {e}",
        "je dois changer de téléphone, des conseils ?",
    ),
    "noise": (
        "aurore boréale en Norvège hier soir, incroyable {e}",
        "ma fille Aurora a 5 ans aujourd'hui {e}",
    ),
    "stories": {
        "launch": {
            "positive": (
                "le {p} est là {e} {tag}",
                "la keynote {b} : {pos} {e} {tag}",
                "{p} précommandé direct {e} {tag}",
            ),
            "neutral": (
                "{b} dévoile le {p} {url} {tag}",
                "tout ce qu'il faut savoir sur le {p} {url}",
            ),
            "negative": ("le {p} à ce prix ? {neg}",),
        },
        "crisis": {
            "negative": (
                "mon {p} a tellement chauffé qu'il m'a brûlé la main, {b} c'est quoi ça {e} {tag}",
                "{p} en surchauffe pendant la charge, écran noir et odeur de brûlé {e}",
                "plein de vidéos de {p} qui surchauffent, débranchez vos téléphones la nuit {tag}",
            ),
            "neutral": ("{b} enquête sur des cas de surchauffe du {p} {url}",),
        },
        "campaign": {
            "positive": (
                "ma participation au {tag}, photo au {p} {e}",
                "le mode nuit de {b} c'est de la triche {e} {tag}",
            ),
            "neutral": ("{b} lance le concours {tag} cette semaine {url}",),
        },
    },
    "tags": {
        "aurora": ("AuroraX5", "Aurora"),
        "nimbus": ("Nimbus",),
        "zephyr": ("ZephyrZ9",),
        "category": ("smartphone", "tech"),
        "launch": ("AuroraX5",),
        "crisis": ("AuroraX5",),
        "campaign": ("NimbusNightShot",),
        "spam": ("AuroraX5",),
    },
    "emoji": {
        "positive": ("😍", "🔥", "👏", "✨", ""),
        "neutral": ("🤔", "", ""),
        "negative": ("😡", "🙄", "😤", ""),
    },
    "slang": ("franchement", "sérieux", "mdr", "perso", "", "", ""),
}

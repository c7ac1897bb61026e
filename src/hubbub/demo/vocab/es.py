"""Spanish phrase banks (Spain and Latin America: jaja, brutal, la verdad, celu/móvil)."""

LANG = "es"

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
        "la cámara es brutal",
        "la batería dura dos días",
        "la pantalla se ve increíble",
        "el modo noche es una locura",
        "carga en veinte minutos",
        "los acabados son premium",
        "el sistema va súper fluido",
        "calidad-precio es lo mejor",
    ),
    "neg": (
        "la batería no llega a la tarde",
        "se calienta muchísimo jugando",
        "la actualización rompió el wifi",
        "la app de cámara se cierra sola",
        "el servicio técnico es pésimo",
        "es carísimo para lo que ofrece",
        "se murió a las dos semanas",
    ),
    "neu": (
        "la actualización llega esta semana",
        "viene en tres colores",
        "es la versión de 256 GB",
        "la preventa abre el viernes",
        "el precio en España es 899 €",
        "tiene eSIM",
    ),
    "posts": {
        "positive": (
            "el {p} es una pasada, {pos} {e}",
            "una semana con el {p}: {pos}. {b} se lució {e} {tag}",
            "me cambié de {c} a {b} y no vuelvo, {pos} {e}",
            "{s} {pos} en mi {p} {e}",
            "¡¡ya llegó mi {p}!! {pos} {e} {tag}",
        ),
        "neutral": (
            "¿alguien probó el {p}? {neu}",
            "{b} dice que {neu} {url}",
            "¿{p} o {c}? no me decido",
            "{at} pregunta, ¿{neu}?",
            "pensando en comprar el {p}, ¿{neu}? {tag}",
        ),
        "negative": (
            "muy decepcionado con mi {p}, {neg} {e}",
            "{b} arreglen esto, {neg} {e} {at}",
            "{s} {neg}, nunca más {b} {e}",
            "devolví el {p}, {neg} y {neg}",
            "vuelvo a {c}, {neg} {e}",
        ),
    },
    "replies": {
        "positive": ("igual, me encanta {e}", "totalmente {e}", "sí, {pos}", "confirmo"),
        "neutral": ("¿fuente?", "¿qué modelo?", "¿{neu}?", "sigo el hilo"),
        "negative": ("mismo problema {e}", "sí, {neg}", "jaja no, {neg}", "por eso lo devolví"),
    },
    "titles": {
        "positive": ("Review del {p}: {pos}", "{p} después de un mes: {pos}"),
        "neutral": ("¿{p} o {c}? Cuál comprar", "Unboxing del {p}", "{p}: ficha técnica"),
        "negative": ("Problemas del {p}: {neg}", "No compres el {p} sin ver esto"),
    },
    "news": (
        "{b} anunció el martes que {neu}.",
        "El {p} competirá directamente con {c} en la gama alta.",
    ),
    "category": (
        "¿qué celular tiene la mejor cámara ahora?",
        "la batería de mi móvil ya no aguanta nada {e}",
        "quiero cambiar de teléfono, ¿recomendaciones?",
    ),
    "noise": (
        "vimos la aurora boreal en Noruega, increíble {e}",
        "mi sobrina Aurora cumple 5 años hoy {e}",
    ),
    "stories": {
        "launch": {
            "positive": (
                "¡llegó el {p}! {e} {tag}",
                "viendo la presentación de {b}: {pos} {e} {tag}",
                "{p} reservado ya {e} {tag}",
            ),
            "neutral": ("{b} presenta el {p} {url} {tag}", "todo sobre el {p} {url}"),
            "negative": ("¿el {p} a ese precio? {neg}",),
        },
        "crisis": {
            "negative": (
                "mi {p} se calentó tanto que me quemó la mano, {b} qué es esto {e} {tag}",
                "{p} sobrecalentado mientras cargaba, pantalla negra y olor a quemado {e}",
                "un montón de videos de {p} sobrecalentándose, no los carguen de noche {tag}",
            ),
            "neutral": ("{b} investiga casos de sobrecalentamiento del {p} {url}",),
        },
        "campaign": {
            "positive": (
                "mi foto para {tag}, hecha con el {p} {e}",
                "el modo noche de {b} es trampa jaja {e} {tag}",
            ),
            "neutral": ("{b} lanza el concurso {tag} esta semana {url}",),
        },
    },
    "tags": {
        "aurora": ("AuroraX5", "Aurora"),
        "nimbus": ("Nimbus",),
        "zephyr": ("ZephyrZ9",),
        "category": ("tecnología", "smartphone"),
        "launch": ("AuroraX5",),
        "crisis": ("AuroraX5",),
        "campaign": ("NimbusNightShot",),
        "spam": ("AuroraX5",),
    },
    "emoji": {
        "positive": ("😍", "🔥", "🙌", "jajaja", ""),
        "neutral": ("🤔", "", ""),
        "negative": ("😡", "🙄", "😤", ""),
    },
    "slang": ("la verdad", "jaja", "neta", "tío,", "", "", ""),
}

"""The basemap as configuration, read by the settings (the CSP needs its origins) and by
the map pages. Plain Python: the settings import it before Django is set up.

Kinds: "none" (the embedded default: a plain background with our own layers, no
internet), "xyz" (any {z}/{x}/{y} tile server, e.g. a self-hosted one in the intranet)
and "tianditu" (天地图: CGCS2000, which maps treat as WGS84; needs a key).
"""

from dataclasses import dataclass, field

KINDS = ("none", "xyz", "tianditu")
CRSES = ("wgs84", "gcj02", "bd09")
TIANDITU_SUBDOMAINS = tuple(str(n) for n in range(8))
TIANDITU_HOST = "https://t{s}.tianditu.gov.cn"
# Web Mercator ("_w") vector map and its Chinese labels, through the WMTS KVP interface.
TIANDITU_TILE = (
    "/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default"
    "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
TIANDITU_ATTRIBUTION = "天地图 © 国家地理信息公共服务平台"


@dataclass(frozen=True)
class Basemap:
    kind: str = "none"
    url: str = ""
    crs: str = "wgs84"
    attribution: str = ""
    subdomains: tuple[str, ...] = ()
    overlay: str = ""  # a label layer drawn above the map (天地图's annotations)
    origins: tuple[str, ...] = field(default=())


def basemap_from(
    *, url: str, kind: str, crs: str, attribution: str, subdomains: list[str], tianditu_key: str
) -> Basemap:
    """The basemap the settings describe; an unknown kind or CRS is refused at start-up."""
    kind = kind or ("xyz" if url else "none")
    if kind not in KINDS or (crs or "wgs84") not in CRSES:
        raise ValueError(f"GONGZHI_BASEMAP_KIND in {KINDS}, GONGZHI_BASEMAP_CRS in {CRSES}")
    if kind == "tianditu":
        if not tianditu_key:
            raise ValueError("GONGZHI_BASEMAP_KIND=tianditu needs GONGZHI_TIANDITU_KEY")
        return Basemap(
            kind=kind,
            url=TIANDITU_HOST + TIANDITU_TILE.format(layer="vec", key=tianditu_key),
            overlay=TIANDITU_HOST + TIANDITU_TILE.format(layer="cva", key=tianditu_key),
            crs="wgs84",  # CGCS2000: the same as WGS84 at a map's precision
            attribution=attribution or TIANDITU_ATTRIBUTION,
            subdomains=TIANDITU_SUBDOMAINS,
            origins=_origins(TIANDITU_HOST, TIANDITU_SUBDOMAINS),
        )
    if kind == "none" or not url:
        return Basemap()
    subs = tuple(subdomains)
    return Basemap(kind, url, crs or "wgs84", attribution, subs, "", _origins(url, subs))


def _origins(url: str, subdomains: tuple[str, ...]) -> tuple[str, ...]:
    """scheme://host[:port] of every host the tiles come from (for the CSP img-src)."""
    origin = "/".join(url.split("/")[:3])
    if "{s}" not in origin:
        return (origin,)
    return tuple(origin.replace("{s}", s) for s in subdomains)

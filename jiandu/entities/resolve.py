"""From mentions to entities, relations and graph features, in DuckDB and numpy.

`resolve(con, key)` reads the table `mentions` (the columns of
`jiandu.entities.mentions.MENTION_COLUMNS`) and returns the rows of the four derived
datasets (`Resolved`). The steps:

1. **Standardise.** Names are simplified (traditional → simplified, full-width → half,
   separators dropped: `jd_name_simplify`); a person's birth date and sex are read from an
   18-digit ID number when the record does not give them.
2. **Exact keys.** Mentions of one kind with the same standardised ID number, USCC, VIN or
   plate are one entity; so are mentions without such a key that name the same party in
   the same case, an organisation by the same name, an agent by the same name at the same
   firm, or a person by the same name and phone number. Each keyless group joins its first
   *keyed* member (if it has one) rather than making all its members one: two people with
   different ID numbers are never merged by a name.
3. **Probabilistic.** People still without an ID number (and with a birth date, phone
   or address: a name alone is no evidence) are compared with everyone else
   on name (homophones and typos count), birth date, sex, phone and address by a
   Fellegi-Sunter model (Splink, `jiandu.entities.linkage`) whose m-probabilities are
   learnt from the records that do share an ID number, i.e. from how the pool's own
   typos look. A keyless group joins its best match among keyed people above
   `MATCH_THRESHOLD`; keyless groups that match only each other become one entity. Two
   keyed people are never merged.
4. **Ids.** An entity id is `P`/`O`/`V` + an HMAC (keyed with the installation's secret)
   of its smallest key, or of its first mention when it has none: stable across
   refreshes, and not reversible into an ID number by hashing candidate numbers.
5. **Relations** (`entity_edge`, both directions): the pairs of slots within one record
   (`TypeMentions.pairs`); parties of one case by side (opposing_party, co_party,
   auction_debtor between an auction's buyer and the execution debtor); parties of one
   accident; and entities sharing a phone number or an address, unless more than
   `HUB_LIMIT` entities share it (a court's or an industrial park's address links nobody).
6. **Graph features** (`jiandu.entities.graph`): degree and connected component over
   every relation; the ring (the 2-core's components of three or more entities) over
   `RING_RELATIONS` only — litigation and hidden links, not trade, accidents or claims.
7. **Related opposing parties** (`party_relation`): opposing parties of a case linked
   within two hops by `HIDDEN_RELATIONS` (legal representative, employer, registration
   agent, vehicle owner, shared phone or address), or through one agent acting for both
   sides in that very case (`agent>agent`). Relations the dispute itself explains (an
   accident's parties, trading partners, creditor and debtor, co-litigants, past
   opponents) and an agent's other cases are left out. The shortest link is kept, then
   the first path by name.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from jiandu.entities import graph
from jiandu.entities.linkage import Field, LinkSpec, link
from jiandu.entities.mentions import MENTIONS
from jiandu.entities.names import install_name_functions

__all__ = [
    "HIDDEN_RELATIONS",
    "HUB_LIMIT",
    "MATCH_THRESHOLD",
    "RING_RELATIONS",
    "Resolved",
    "entity_id",
    "resolve",
]

MATCH_THRESHOLD = 0.9
HUB_LIMIT = 20
# Rings are cycles of people and organisations tied by litigation and hidden links; trade
# (invoices), accidents, claims and auctions make dense webs that are not rings of anyone.
RING_RELATIONS = (
    "co_party",
    "opposing_party",
    "agent",
    "legal_rep",
    "employer",
    "registration_agent",
    "same_phone",
    "same_address",
)
# The relations that can relate a case's opposing parties without the dispute itself
# explaining it (an accident's parties, trading partners, a creditor and debtor are related
# by what they litigate; co-litigants and past opponents by litigation).
HIDDEN_RELATIONS = (
    "legal_rep",
    "employer",
    "registration_agent",
    "vehicle_owner",
    "same_phone",
    "same_address",
)


@dataclass(frozen=True)
class Resolved:
    """The rows of the derived datasets, and counts for the report."""

    entities: pa.Table
    records: pa.Table
    edges: pa.Table
    party_relations: pa.Table
    stats: dict[str, Any]


def _pairs_table() -> pa.Table:
    rows = [
        (dataset, pair.a, pair.b, pair.relation)
        for dataset, spec in MENTIONS.items()
        for pair in spec.pairs
    ]
    return pa.table(
        {
            "dataset": [r[0] for r in rows],
            "slot_a": [r[1] for r in rows],
            "slot_b": [r[2] for r in rows],
            "relation": [r[3] for r in rows],
        }
    )


_STANDARDISE = """
CREATE OR REPLACE TEMP TABLE m AS
SELECT row_number() OVER (ORDER BY source_dataset, source_batch, source_row, slot) - 1 AS mid,
       * REPLACE (
         CASE WHEN kind = 'vehicle' THEN NULL ELSE id_card END AS id_card,
         CASE WHEN kind = 'org' THEN uscc END AS uscc,
         CASE WHEN kind = 'person' AND birth_date IS NULL AND length(id_card) = 18
              THEN try_strptime(substr(id_card, 7, 8), '%Y%m%d')::DATE
              ELSE birth_date END AS birth_date,
         CASE WHEN kind = 'person' AND sex IS NULL AND length(id_card) = 18
              THEN CASE WHEN CAST(substr(id_card, 17, 1) AS INTEGER) % 2 = 1 THEN '男'
                        ELSE '女' END
              ELSE sex END AS sex
       ),
       jd_name_simplify(name) AS nname,
       CASE kind WHEN 'person' THEN id_card WHEN 'org' THEN uscc
                 ELSE coalesce(vin, plate) END AS hard_key
FROM mentions
"""

# Union edges (mid -> representative mid) of the exact rules.
_EXACT_EDGES = """
CREATE OR REPLACE TEMP TABLE exact_edges AS
-- same key, per kind (vehicles: VIN and plate both join)
SELECT mid, min(mid) OVER (PARTITION BY kind, id_card) AS rep FROM m
  WHERE kind = 'person' AND id_card IS NOT NULL
UNION ALL
SELECT mid, min(mid) OVER (PARTITION BY uscc) FROM m WHERE kind = 'org' AND uscc IS NOT NULL
UNION ALL
SELECT mid, min(mid) OVER (PARTITION BY vin) FROM m WHERE kind = 'vehicle' AND vin IS NOT NULL
UNION ALL
SELECT mid, min(mid) OVER (PARTITION BY plate) FROM m
  WHERE kind = 'vehicle' AND plate IS NOT NULL
UNION ALL
-- keyless members of a name group join its first keyed member (else its first member)
SELECT mid, rep FROM (
  SELECT mid, hard_key,
         arg_min(mid, (hard_key IS NULL, mid)) OVER (PARTITION BY grp) AS rep
  FROM (
    SELECT mid, hard_key, kind || '|case|' || case_no || '|' || nname AS grp FROM m
      WHERE case_no IS NOT NULL AND nname IS NOT NULL AND kind <> 'vehicle'
    UNION ALL
    SELECT mid, hard_key, 'org|' || nname FROM m WHERE kind = 'org' AND nname IS NOT NULL
    UNION ALL
    SELECT mid, hard_key, 'agent|' || nname || '|' || firm FROM m
      WHERE kind = 'person' AND firm IS NOT NULL AND nname IS NOT NULL
    UNION ALL
    SELECT mid, hard_key, 'phone|' || nname || '|' || phone FROM m
      WHERE kind = 'person' AND phone IS NOT NULL AND nname IS NOT NULL
  )
) WHERE hard_key IS NULL
"""

# One row per distinct person description, for the probabilistic stage.
_PROFILES = """
CREATE OR REPLACE TEMP TABLE person_profiles AS
SELECT CAST(min(m.mid) AS VARCHAR) AS unique_id, x.comp, any_value(x.keyed) AS keyed,
       CASE WHEN any_value(x.keyed) THEN CAST(x.comp AS VARCHAR) END AS label,
       m.nname AS name, m.birth_date, m.sex, m.phone, m.address
FROM m JOIN exact_comp x USING (mid)
WHERE m.kind = 'person' AND m.nname IS NOT NULL
  -- a name alone is no evidence: keyless people need a birth date, phone or address
  AND (x.keyed OR m.birth_date IS NOT NULL OR m.phone IS NOT NULL OR m.address IS NOT NULL)
GROUP BY x.comp, m.nname, m.birth_date, m.sex, m.phone, m.address
"""

PERSON_SPEC = LinkSpec(
    fields=(
        Field("name", "name_zh"),
        Field("birth_date", "date"),
        Field("sex", "exact"),
        Field("phone", "phone"),
        Field("address", "address"),
    ),
    blocking=(("name",), ("phone",), ("birth_date",)),
    threshold=MATCH_THRESHOLD,
    label_column="label",
    # The prior from rules that rarely join two people (Splink's estimate, recall 0.8),
    # rather than from the scored pairs, most of which are one keyed person's own records.
    deterministic=(
        "l.phone = r.phone AND l.name = r.name",
        "l.birth_date = r.birth_date AND l.name = r.name",
    ),
)


def _components(con: duckdb.DuckDBPyConnection, n: int, edges_sql: str) -> np.ndarray:
    pairs = con.sql(edges_sql).fetchnumpy()
    src = np.asarray(pairs["a"], dtype=np.int64)
    dst = np.asarray(pairs["b"], dtype=np.int64)
    return graph.components(n, src, dst)


def _probabilistic(con: duckdb.DuckDBPyConnection, stats: dict[str, Any]) -> pa.Table:
    """(comp, target, probability): keyless person components joined to another."""
    empty = pa.table(
        {
            "comp": pa.array([], pa.int64()),
            "target": pa.array([], pa.int64()),
            "probability": pa.array([], pa.float64()),
        }
    )
    con.execute(_PROFILES)
    keyless, _keyed = con.sql(
        "SELECT count(*) FILTER (WHERE NOT keyed), count(DISTINCT label) FROM person_profiles"
    ).fetchall()[0]
    stats["keyless_person_descriptions"] = int(keyless)
    if not keyless:
        return empty
    profiles = con.sql(
        "SELECT unique_id, label, name, birth_date::VARCHAR AS birth_date, sex, phone, address "
        "FROM person_profiles"
    ).to_arrow_table()
    try:
        pairs = link(profiles, None, PERSON_SPEC, con=con)
    except Exception as exc:
        stats["probabilistic_skipped"] = f"{type(exc).__name__}: {exc}"[:300]
        return empty
    con.register("prob_pairs", pairs)
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE prob_directed AS
            WITH p AS (
              SELECT a.comp AS ca, a.keyed AS ka, b.comp AS cb, b.keyed AS kb,
                     q.match_probability AS prob
              FROM prob_pairs q
              JOIN person_profiles a ON a.unique_id = q.id_l
              JOIN person_profiles b ON b.unique_id = q.id_r
              WHERE a.comp <> b.comp AND NOT (a.keyed AND b.keyed)
            )
            SELECT ca AS comp, cb AS target, kb AS target_keyed, prob FROM p WHERE NOT ka
            UNION ALL
            SELECT cb, ca, ka, prob FROM p WHERE NOT kb
            """
        )
    finally:
        con.unregister("prob_pairs")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE prob_best AS
        SELECT comp, arg_max(target, (prob, -target)) AS target, max(prob) AS probability
        FROM prob_directed WHERE target_keyed GROUP BY comp
        """
    )
    found = con.sql(
        """
        SELECT comp, target, probability FROM prob_best
        UNION ALL
        SELECT d.comp, d.target, max(d.prob)
        FROM prob_directed d
        ANTI JOIN prob_best b1 ON b1.comp = d.comp
        ANTI JOIN prob_best b2 ON b2.comp = d.target
        WHERE NOT d.target_keyed
        GROUP BY d.comp, d.target
        """
    ).to_arrow_table()
    stats["probabilistic_links"] = found.num_rows
    return found


def _hmac_sql(secret: bytes, message: str) -> str:
    """SQL for the hex HMAC-SHA256 of the VARCHAR expression `message` under `secret`."""
    key = hashlib.sha256(secret).digest() if len(secret) > 64 else secret
    key = key.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    return f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode({message}))))"


def entity_id(secret: bytes, kind: str, key: str) -> str:
    """The id of an entity of `kind` whose smallest key is `key` (as resolve makes it)."""
    prefix = {"person": "P", "org": "O", "vehicle": "V"}[kind]
    return prefix + hmac.new(secret, f"{kind}|{key}".encode(), hashlib.sha256).hexdigest()[:16]


def resolve(con: duckdb.DuckDBPyConnection, secret: bytes) -> Resolved:
    """Resolve the `mentions` table on `con` (see the module docstring)."""
    install_name_functions(con)
    stats: dict[str, Any] = {}
    con.execute(_STANDARDISE)
    n = int(con.sql("SELECT count(*) FROM m").fetchall()[0][0])
    stats["mentions"] = n
    con.execute(_EXACT_EDGES)
    labels = _components(con, n, "SELECT mid AS a, rep AS b FROM exact_edges")
    con.register("exact_labels", pa.table({"mid": np.arange(n, dtype=np.int64), "comp": labels}))
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE exact_comp AS
        SELECT l.mid, l.comp, bool_or(m.hard_key IS NOT NULL) OVER (PARTITION BY l.comp) AS keyed
        FROM exact_labels l JOIN m USING (mid)
        """
    )
    con.unregister("exact_labels")

    linked = _probabilistic(con, stats)
    con.register("prob_links", linked)
    final = _components(
        con,
        n,
        "SELECT mid AS a, rep AS b FROM exact_edges UNION ALL "
        "SELECT comp AS a, target AS b FROM prob_links",
    )
    con.register("final_labels", pa.table({"mid": np.arange(n, dtype=np.int64), "ent": final}))
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE assigned AS
        SELECT m.*, f.ent, x.comp,
               CASE WHEN x.keyed THEN 'key'
                    WHEN pl.comp IS NOT NULL OR pt.target IS NOT NULL THEN 'probabilistic'
                    WHEN count(*) OVER (PARTITION BY f.ent) > 1 THEN 'key'
                    ELSE 'single' END AS match,
               CASE WHEN x.keyed THEN 100
                    WHEN pl.comp IS NOT NULL THEN CAST(round(pl.probability * 100) AS INTEGER)
                    WHEN pt.target IS NOT NULL THEN CAST(round(pt.probability * 100) AS INTEGER)
                    ELSE 100 END AS match_probability
        FROM m JOIN final_labels f USING (mid) JOIN exact_comp x USING (mid)
        LEFT JOIN prob_links pl ON pl.comp = x.comp
        LEFT JOIN (SELECT target, max(probability) AS probability FROM prob_links
                   WHERE target NOT IN (SELECT comp FROM prob_links) GROUP BY target) pt
               ON pt.target = x.comp AND NOT x.keyed
        """
    )
    con.unregister("final_labels")
    con.unregister("prob_links")

    # Entity keys and ids: HMAC-SHA256 in SQL (RFC 2104 over DuckDB's sha256).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE entity_ids AS
        SELECT ent,
               CASE kind WHEN 'person' THEN 'P' WHEN 'org' THEN 'O' ELSE 'V' END
               || left({_hmac_sql(secret, "kind || '|' || key")}, 16) AS entity_id
        FROM (
          SELECT ent, any_value(kind) AS kind,
                 coalesce(
                   'id:' || min(id_card), 'uscc:' || min(uscc), 'vin:' || min(vin),
                   'plate:' || min(plate),
                   CASE WHEN any_value(kind) = 'org' THEN 'org:' || min(nname) END,
                   'm:' || min(source_batch || '|' || source_row || '|' || slot)
                 ) AS key
          FROM assigned GROUP BY ent
        )
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rec AS "
        "SELECT a.*, i.entity_id FROM assigned a JOIN entity_ids i USING (ent)"
    )
    records = con.sql(
        """
        SELECT entity_id, kind AS entity_kind, source_dataset, source_batch, source_row, role,
               case_no, name, id_card, uscc, plate, vin, phone, birth_date, address, event_date,
               match, match_probability
        FROM (SELECT *, row_number() OVER (PARTITION BY source_batch, source_row, role, kind
                                           ORDER BY slot, mid) AS k FROM rec)
        WHERE k = 1
        ORDER BY entity_id, source_dataset, source_batch, source_row
        """
    ).to_arrow_table()
    stats["entities"] = int(con.sql("SELECT count(*) FROM entity_ids").fetchall()[0][0])

    edges = _edges(con)
    con.register("edge_rows", edges)
    entities = _entities(con)
    party_relations = _party_relations(con)
    con.unregister("edge_rows")
    stats["edges"] = edges.num_rows
    stats["party_relations"] = party_relations.num_rows
    return Resolved(entities, records, edges, party_relations, stats)


def _edges(con: duckdb.DuckDBPyConnection) -> pa.Table:
    con.register("slot_pairs", _pairs_table())
    try:
        return con.sql(
            f"""
            WITH raw AS (
              -- slots of one record
              SELECT a.entity_id AS ea, a.kind AS ka, b.entity_id AS eb, b.kind AS kb,
                     p.relation, coalesce(a.case_no, b.case_no) AS case_no, a.source_dataset
              FROM rec a
              JOIN slot_pairs p ON p.dataset = a.source_dataset AND p.slot_a = a.slot
              JOIN rec b ON b.source_batch = a.source_batch AND b.source_row = a.source_row
                        AND b.slot = p.slot_b
              UNION ALL
              -- parties of one case, by side
              SELECT a.entity_id, a.kind, b.entity_id, b.kind,
                     CASE WHEN (a.side = 'A' AND b.side = 'B') OR (a.side = 'B' AND b.side = 'A')
                          THEN 'opposing_party'
                          WHEN a.side = 'buyer' AND b.side = 'B' THEN 'auction_debtor'
                          WHEN a.side = 'buyer' OR b.side = 'buyer' THEN NULL
                          ELSE 'co_party' END,
                     a.case_no, a.source_dataset
              FROM rec a JOIN rec b ON a.case_no = b.case_no AND a.mid <> b.mid
              WHERE a.side IS NOT NULL AND b.side IS NOT NULL
                AND (a.side <> 'buyer' OR b.side <> 'buyer')
                AND NOT (b.side = 'buyer' AND a.side <> 'buyer')
              UNION ALL
              -- parties of one accident (or another grouping)
              SELECT a.entity_id, a.kind, b.entity_id, b.kind, 'co_party', NULL,
                     a.source_dataset
              FROM rec a JOIN rec b ON a.group_key = b.group_key AND a.mid <> b.mid
              WHERE a.slot = b.slot
              UNION ALL
              -- shared phone / address (not hubs)
              SELECT * FROM (
                WITH v AS (
                  SELECT DISTINCT entity_id, kind, 'same_phone' AS relation, phone AS value
                    FROM rec WHERE phone IS NOT NULL AND kind <> 'vehicle'
                  UNION ALL
                  SELECT DISTINCT entity_id, kind, 'same_address', address
                    FROM rec WHERE address IS NOT NULL AND kind <> 'vehicle'
                ), shared AS (
                  SELECT relation, value FROM v GROUP BY relation, value
                  HAVING count(DISTINCT entity_id) BETWEEN 2 AND {HUB_LIMIT}
                )
                SELECT a.entity_id, a.kind, b.entity_id, b.kind, s.relation,
                       NULL::VARCHAR, 'entity'
                FROM shared s JOIN v a USING (relation, value) JOIN v b USING (relation, value)
                WHERE a.entity_id <> b.entity_id
              )
            ), one_way AS (
              SELECT ea, ka, eb, kb, relation, case_no, source_dataset, count(*) AS weight
              FROM raw WHERE relation IS NOT NULL AND ea <> eb
              GROUP BY ALL
            ), both_ways AS (
              SELECT ea, ka, eb, kb, relation, case_no, source_dataset, weight FROM one_way
              UNION ALL
              SELECT eb, kb, ea, ka, relation, case_no, source_dataset, weight FROM one_way
            )
            SELECT ea AS entity_a, eb AS entity_b, any_value(ka) AS kind_a,
                   any_value(kb) AS kind_b, relation, case_no, source_dataset,
                   CAST(max(weight) AS BIGINT) AS weight
            FROM both_ways GROUP BY ea, eb, relation, case_no, source_dataset
            ORDER BY entity_a, entity_b, relation, case_no NULLS FIRST, source_dataset
            """
        ).to_arrow_table()
    finally:
        con.unregister("slot_pairs")


def _entities(con: duckdb.DuckDBPyConnection) -> pa.Table:
    base = con.sql(
        """
        SELECT entity_id, any_value(kind) AS entity_kind,
               coalesce(mode(nname), mode(plate)) AS name,
               min(id_card) AS id_card, min(uscc) AS uscc, min(plate) AS plate, min(vin) AS vin,
               count(DISTINCT source_batch || source_row) AS record_count,
               count(DISTINCT source_dataset) AS dataset_count,
               count(DISTINCT case_no) AS case_count
        FROM rec GROUP BY entity_id ORDER BY entity_id
        """
    ).to_arrow_table()
    ids = base.column("entity_id")
    n = len(ids)
    con.register("entity_index", pa.table({"entity_id": ids, "i": np.arange(n, dtype=np.int64)}))
    try:
        social = ", ".join(f"'{r}'" for r in RING_RELATIONS)
        pairs = con.sql(
            f"SELECT a.i AS a, b.i AS b, e.relation IN ({social}) AS social FROM edge_rows e "
            "JOIN entity_index a ON a.entity_id = e.entity_a "
            "JOIN entity_index b ON b.entity_id = e.entity_b"
        ).fetchnumpy()
    finally:
        con.unregister("entity_index")
    src = np.asarray(pairs["a"], dtype=np.int64)
    dst = np.asarray(pairs["b"], dtype=np.int64)
    social_edges = np.asarray(pairs["social"], dtype=bool)
    degree = graph.degrees(n, src, dst)
    comp = graph.components(n, src, dst)
    ring = graph.rings(n, src[social_edges], dst[social_edges], min_size=3)
    in_ring = ring >= 0
    comp_size = np.bincount(comp, minlength=n)[comp]
    ring_size = np.bincount(ring[in_ring], minlength=n)[np.where(in_ring, ring, 0)]
    return (
        base.append_column("degree", pa.array(degree, pa.int64()))
        .append_column("component_id", ids.take(pa.array(comp)))
        .append_column("component_size", pa.array(comp_size, pa.int64()))
        .append_column("ring_id", ids.take(pa.array(ring, mask=~in_ring)))
        .append_column("ring_size", pa.array(ring_size, pa.int64(), mask=~in_ring))
    )


def _party_relations(con: duckdb.DuckDBPyConnection) -> pa.Table:
    hidden = ", ".join(f"'{r}'" for r in HIDDEN_RELATIONS)
    # The graph of hidden relations only (no case numbers: none of them is the structure
    # of a case, so none is excluded for the pair's own case).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW relation_edges AS
        SELECT DISTINCT entity_a, entity_b, relation, NULL::VARCHAR AS case_no
        FROM edge_rows WHERE relation IN ({hidden})
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE opposing AS
        SELECT DISTINCT a.case_no, a.entity_id AS a, b.entity_id AS b,
               a.role AS role_a, b.role AS role_b, a.nname AS name_a, b.nname AS name_b
        FROM rec a JOIN rec b ON a.case_no = b.case_no
        WHERE a.side = 'A' AND b.side = 'B' AND a.entity_id <> b.entity_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE opposing_pairs AS
        SELECT row_number() OVER (ORDER BY case_no, a, b) AS pair_id, case_no, a, b
        FROM (SELECT DISTINCT case_no, a, b FROM opposing)
        """
    )
    related = graph.related_pairs(con, "relation_edges", "opposing_pairs", max_hops=2)
    con.register("related", related)
    try:
        return con.sql(
            """
            WITH shared_agent AS (
              -- one agent acting for both sides in the pair's own case
              SELECT p.pair_id, 2 AS hops, min(x.entity_b) AS via, 'agent>agent' AS path
              FROM opposing_pairs p
              JOIN edge_rows x ON x.entity_a = p.a AND x.relation = 'agent'
                              AND x.case_no = p.case_no
              JOIN edge_rows y ON y.entity_a = x.entity_b AND y.entity_b = p.b
                              AND y.relation = 'agent' AND y.case_no = p.case_no
              GROUP BY p.pair_id
            ), found AS (
              SELECT pair_id, CAST(hops AS INTEGER) AS hops, via, path FROM related
              UNION ALL
              SELECT pair_id, hops, via, path FROM shared_agent
            ), best AS (
              SELECT pair_id, arg_min(hops, (hops, path, via)) AS hops,
                     arg_min(via, (hops, path, via)) AS via,
                     arg_min(path, (hops, path, via)) AS path
              FROM found GROUP BY pair_id
            )
            SELECT p.case_no, p.a AS party_a, any_value(o.name_a) AS party_a_name,
                   string_agg(DISTINCT o.role_a, '、') AS party_a_role,
                   p.b AS party_b, any_value(o.name_b) AS party_b_name,
                   string_agg(DISTINCT o.role_b, '、') AS party_b_role,
                   any_value(r.hops) AS hops, any_value(r.via) AS via,
                   any_value(v.nname) AS via_name, any_value(r.path) AS path
            FROM best r
            JOIN opposing_pairs p USING (pair_id)
            JOIN opposing o ON o.case_no = p.case_no AND o.a = p.a AND o.b = p.b
            LEFT JOIN (SELECT entity_id, mode(nname) AS nname FROM rec GROUP BY entity_id) v
                   ON v.entity_id = r.via
            GROUP BY p.case_no, p.a, p.b
            ORDER BY p.case_no, party_a, party_b
            """
        ).to_arrow_table()
    finally:
        con.unregister("related")

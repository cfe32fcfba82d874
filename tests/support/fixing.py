"""Repair the demo world's seeded defects the way a data steward would."""

from __future__ import annotations

import csv
import sqlite3

from kmu_dataguard.demo.world import DemoWorld

KEYS = {"customers": "customer_id", "suppliers": "supplier_id", "articles": "article_id"}


def fix_defect(world: DemoWorld, entity: str, column: str) -> str:
    """Repair the first seeded defect of ``entity.column`` in the demo database; its key."""
    defect = next(d for d in world.defects if d.entity == entity and d.column == column)
    with sqlite3.connect(world.database) as conn:
        conn.execute(
            f"UPDATE {entity} SET {column} = ? WHERE {KEYS[entity]} = ?", (defect.good, defect.key)
        )
    conn.close()
    return defect.key


def fix_defects(world: DemoWorld) -> None:
    with sqlite3.connect(world.database) as conn:
        for d in world.defects:
            if d.entity in KEYS:
                conn.execute(
                    f"UPDATE {d.entity} SET {d.column} = ? WHERE {KEYS[d.entity]} = ?",
                    (d.good, d.key),
                )
    conn.close()
    with world.contacts_csv.open(encoding="cp1252", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    for d in world.defects:
        if d.entity == "contacts":
            for row in rows:
                if row["contact_id"] == d.key:
                    row[d.column] = d.good or ""
    with world.contacts_csv.open("w", encoding="cp1252", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)

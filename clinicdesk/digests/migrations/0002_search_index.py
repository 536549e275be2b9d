"""The full-text index of published digests, kept in sync by the database itself.

SQLite: an FTS5 table ``digests_search`` over ``digests_searchdocument`` (external content),
filled by triggers on insert, update and delete. PostgreSQL: a ``search`` tsvector column (title
weighted A, body B) set by a trigger in the document's own text search configuration, under a
GIN index. Other databases get no index; ``clinicdesk.digests.search`` then refuses to search.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE digests_search USING fts5(
        title, body,
        content='digests_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER digests_search_insert AFTER INSERT ON digests_searchdocument BEGIN
        INSERT INTO digests_search(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER digests_search_delete AFTER DELETE ON digests_searchdocument BEGIN
        INSERT INTO digests_search(digests_search, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER digests_search_update AFTER UPDATE ON digests_searchdocument BEGIN
        INSERT INTO digests_search(digests_search, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO digests_search(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS digests_search_update",
    "DROP TRIGGER IF EXISTS digests_search_delete",
    "DROP TRIGGER IF EXISTS digests_search_insert",
    "DROP TABLE IF EXISTS digests_search",
]

POSTGRESQL_FORWARD = [
    "ALTER TABLE digests_searchdocument ADD COLUMN search tsvector",
    """
    CREATE FUNCTION digests_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search :=
            setweight(to_tsvector(NEW.config::regconfig, coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector(NEW.config::regconfig, coalesce(NEW.body, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER digests_search_vector BEFORE INSERT OR UPDATE ON digests_searchdocument
    FOR EACH ROW EXECUTE FUNCTION digests_search_vector()
    """,
    "CREATE INDEX digests_search_gin ON digests_searchdocument USING GIN (search)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS digests_search_gin",
    "DROP TRIGGER IF EXISTS digests_search_vector ON digests_searchdocument",
    "DROP FUNCTION IF EXISTS digests_search_vector()",
    "ALTER TABLE digests_searchdocument DROP COLUMN IF EXISTS search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("digests", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]

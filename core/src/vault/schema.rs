//! Schema set-up and upgrade in one place. Each module owns an append-only list of SQL batches;
//! the version applied so far is kept per module, so modules can grow their tables independently.
//! A database written by a newer Waymark (a module version beyond what this code knows) is refused
//! rather than half-understood.

use crate::error::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

const VAULT_MIGRATIONS: &[&str] = &[
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);",
    // The app's own choices (auto-lock delay, location on or off): inside the encrypted vault.
    "CREATE TABLE preferences (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
];

/// Every module's migrations, in the order they are applied. One line per module.
pub(crate) const MODULES: &[(&str, &[&str])] = &[
    ("vault", VAULT_MIGRATIONS),
    ("log", crate::log::MIGRATIONS),
    ("evidence", crate::evidence::MIGRATIONS),
    ("safety", crate::safety::MIGRATIONS),
    ("routes", crate::routes::MIGRATIONS),
    ("risk", crate::risk::MIGRATIONS),
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    // Opening an up-to-date vault writes nothing: several processes open it at once, and a
    // read-only or full disk must still be readable.
    if up_to_date(conn)? {
        return Ok(());
    }
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL);")?;
    for (module, migrations) in MODULES {
        // IMMEDIATE: take the write lock (waiting for it) before reading the version, so two
        // processes never both apply a migration, and no read is upgraded into a busy error.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current: i64 = tx
            .query_row(
                "SELECT version FROM schema_versions WHERE module = ?1",
                [module],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        if current as usize > migrations.len() {
            return Err(Error::storage(
                "this vault was written by a newer version of Waymark; please update the app",
            ));
        }
        for sql in &migrations[current as usize..] {
            tx.execute_batch(sql)?;
        }
        tx.execute(
            "INSERT INTO schema_versions (module, version) VALUES (?1, ?2)
             ON CONFLICT(module) DO UPDATE SET version = excluded.version",
            params![module, migrations.len() as i64],
        )?;
        tx.commit()?;
    }
    Ok(())
}

fn up_to_date(conn: &Connection) -> Result<bool> {
    let exists: bool = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !exists {
        return Ok(false);
    }
    for (module, migrations) in MODULES {
        let current: Option<i64> = conn
            .query_row(
                "SELECT version FROM schema_versions WHERE module = ?1",
                [module],
                |r| r.get(0),
            )
            .optional()?;
        if current != Some(migrations.len() as i64) {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_of(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn migrating_step_by_step_equals_fresh_and_newer_is_refused() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        // An old database: only the first migration of each module, then upgraded.
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(
            "CREATE TABLE schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL);",
        )
        .unwrap();
        for (module, m) in MODULES {
            old.execute_batch(m[0]).unwrap();
            old.execute("INSERT INTO schema_versions VALUES (?1, 1)", [module])
                .unwrap();
        }
        migrate(&mut old).unwrap();
        assert_eq!(schema_of(&fresh), schema_of(&old));

        fresh
            .execute(
                "UPDATE schema_versions SET version = 999 WHERE module = 'log'",
                [],
            )
            .unwrap();
        assert!(matches!(migrate(&mut fresh), Err(Error::Storage { .. })));
    }
}

//! SQLite storage: one file, one relay process (the file is held with SQLite's exclusive locking
//! mode, so a second process is refused rather than sending the same alerts). Plain SQLite (the
//! workspace's rusqlite, without a key): everything personal in it is sealed to the relay's key.
//! Each call runs on tokio's blocking pool; WAL with `synchronous=FULL`, so an answered request
//! survives a crash.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use waymark_relay_proto::{CheckinId, DevicePublicKey, RequestId, SecretHash};

use super::*;

/// Each entry is one migration, applied once in order (the version is the count applied).
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE checkins (
    id BLOB PRIMARY KEY,
    device_key BLOB NOT NULL,
    deadline INTEGER NOT NULL,
    grace INTEGER NOT NULL,
    fire_at_ms INTEGER NOT NULL,
    phase TEXT NOT NULL,
    shown TEXT NOT NULL,
    cancel_hash BLOB,
    duress_hash BLOB,
    sealed BLOB,
    message_count INTEGER NOT NULL,
    due_ms INTEGER,
    ended_ms INTEGER
);
CREATE INDEX checkins_due ON checkins (phase, fire_at_ms);
CREATE INDEX checkins_device ON checkins (device_key, phase);
CREATE TABLE outbox (
    checkin_id BLOB NOT NULL,
    idx INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (checkin_id, idx)
);
CREATE INDEX outbox_pending ON outbox (done, lease_until);
CREATE TABLE requests (
    request_id BLOB PRIMARY KEY,
    device_key BLOB NOT NULL,
    path TEXT NOT NULL,
    body_sha256 BLOB NOT NULL,
    status INTEGER NOT NULL,
    reply BLOB NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX requests_age ON requests (at_ms);
"#];

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(e.to_string())
}

impl SqliteStore {
    /// Opens (creating and migrating) the database file and takes it for this process alone.
    /// Leases left by a process that died are released: no other process can hold any.
    pub fn open(path: &Path) -> StoreResult<Self> {
        Self::open_inner(path).map_err(|e| match e {
            StoreError::Db(m) if m.contains("locked") || m.contains("busy") => {
                StoreError::Db(format!(
                    "{} is in use by another relay process (SQLite serves one process; use \
                 PostgreSQL for several)",
                    path.display()
                ))
            }
            other => other,
        })
    }

    fn open_inner(path: &Path) -> StoreResult<Self> {
        let mut conn = Connection::open(path).map_err(db)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_millis(200))
            .map_err(db)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)")
            .map_err(db)?;
        let version: Option<i64> = tx
            .query_row("SELECT version FROM relay_schema", [], |r| r.get(0))
            .optional()
            .map_err(db)?;
        let version = version.unwrap_or(-1);
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::Db(format!(
                "the database is from a newer relay (schema {version})"
            )));
        }
        if version < 0 {
            tx.execute("INSERT INTO relay_schema (version) VALUES (0)", [])
                .map_err(db)?;
        }
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.execute_batch(m).map_err(db)?;
            tx.execute("UPDATE relay_schema SET version = ?1", [i as i64 + 1])
                .map_err(db)?;
        }
        tx.execute("UPDATE outbox SET lease_until = 0 WHERE done = 0", [])
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Db("a database call panicked".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|_| StoreError::Db("a database call panicked".into()))?
    }
}

fn checkin_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawCheckin> {
    Ok(RawCheckin {
        id: r.get(0)?,
        device_key: r.get(1)?,
        deadline: r.get(2)?,
        grace: r.get(3)?,
        phase: r.get(4)?,
        shown: r.get(5)?,
        cancel_hash: r.get(6)?,
        duress_hash: r.get(7)?,
    })
}

/// A row as read, before its values are checked.
pub(crate) struct RawCheckin {
    pub id: Vec<u8>,
    pub device_key: Vec<u8>,
    pub deadline: i64,
    pub grace: i64,
    pub phase: String,
    pub shown: String,
    pub cancel_hash: Option<Vec<u8>>,
    pub duress_hash: Option<Vec<u8>>,
}

impl RawCheckin {
    pub(crate) fn check(self) -> StoreResult<Checkin> {
        Ok(Checkin {
            id: CheckinId(array(self.id, "id")?),
            device_key: DevicePublicKey(array(self.device_key, "device key")?),
            deadline: self.deadline,
            grace: self.grace,
            phase: Phase::parse(&self.phase)?,
            shown: parse_state(&self.shown)?,
            cancel_hash: self
                .cancel_hash
                .map(|h| array(h, "hash").map(SecretHash))
                .transpose()?,
            duress_hash: self
                .duress_hash
                .map(|h| array(h, "hash").map(SecretHash))
                .transpose()?,
        })
    }
}

pub(crate) fn record_from(
    request_id: Vec<u8>,
    device_key: Vec<u8>,
    path: String,
    body_sha256: Vec<u8>,
    status: i64,
    reply: Vec<u8>,
    at_ms: i64,
) -> StoreResult<RequestRecord> {
    Ok(RequestRecord {
        request_id: RequestId(array(request_id, "request id")?),
        device_key: DevicePublicKey(array(device_key, "device key")?),
        path,
        body_sha256: array(body_sha256, "body hash")?,
        status: u16::try_from(status).map_err(|_| StoreError::Corrupt("status"))?,
        reply,
        at_ms,
    })
}

const CHECKIN_COLUMNS: &str =
    "id, device_key, deadline, grace, phase, shown, cancel_hash, duress_hash";

impl Store for SqliteStore {
    async fn find_request(&self, id: RequestId) -> StoreResult<Option<RequestRecord>> {
        self.run(move |c| {
            let row = c
                .query_row(
                    "SELECT request_id, device_key, path, body_sha256, status, reply, at_ms
                     FROM requests WHERE request_id = ?1",
                    [&id.0[..]],
                    |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                        ))
                    },
                )
                .optional()
                .map_err(db)?;
            row.map(|(a, b, p, h, s, rep, at)| record_from(a, b, p, h, s, rep, at))
                .transpose()
        })
        .await
    }

    async fn get(&self, id: CheckinId) -> StoreResult<Option<Checkin>> {
        self.run(move |c| {
            c.query_row(
                &format!("SELECT {CHECKIN_COLUMNS} FROM checkins WHERE id = ?1"),
                [&id.0[..]],
                checkin_from_row,
            )
            .optional()
            .map_err(db)?
            .map(RawCheckin::check)
            .transpose()
        })
        .await
    }

    async fn active_for_device(&self, key: DevicePublicKey) -> StoreResult<u64> {
        self.run(move |c| {
            c.query_row(
                "SELECT count(*) FROM checkins WHERE device_key = ?1 AND phase != 'ended'",
                [&key.0[..]],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(db)
        })
        .await
    }

    async fn apply(&self, change: Change, record: RequestRecord) -> StoreResult<()> {
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let inserted = tx
                .execute(
                    "INSERT OR IGNORE INTO requests
                     (request_id, device_key, path, body_sha256, status, reply, at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        &record.request_id.0[..],
                        &record.device_key.0[..],
                        record.path,
                        &record.body_sha256[..],
                        record.status as i64,
                        record.reply,
                        record.at_ms
                    ],
                )
                .map_err(db)?;
            if inserted == 0 {
                return Err(StoreError::Exists);
            }
            match change {
                Change::Arm(n) => {
                    let inserted = tx
                        .execute(
                            "INSERT OR IGNORE INTO checkins (id, device_key, deadline, grace,
                             fire_at_ms, phase, shown, cancel_hash, duress_hash, sealed,
                             message_count) VALUES (?1, ?2, ?3, ?4, ?5, 'armed', 'armed', ?6, ?7,
                             ?8, ?9)",
                            params![
                                &n.id.0[..],
                                &n.device_key.0[..],
                                n.deadline,
                                n.grace,
                                fire_at_ms(n.deadline, n.grace),
                                &n.cancel_hash.0[..],
                                &n.duress_hash.0[..],
                                n.sealed,
                                n.message_count
                            ],
                        )
                        .map_err(db)?;
                    if inserted == 0 {
                        return Err(StoreError::Exists);
                    }
                }
                Change::Extend { id, deadline } => {
                    let n = tx
                        .execute(
                            "UPDATE checkins SET deadline = ?2, fire_at_ms = (?2 + grace) * 1000
                             WHERE id = ?1 AND phase = 'armed'",
                            params![&id.0[..], deadline],
                        )
                        .map_err(db)?;
                    if n == 0 {
                        return Err(StoreError::NotArmed);
                    }
                }
                Change::End { id, shown, send } => {
                    let now = record.at_ms;
                    let n = if send {
                        tx.execute(
                            "UPDATE checkins SET phase = 'sending', shown = ?2, due_ms = ?3,
                             cancel_hash = NULL, duress_hash = NULL
                             WHERE id = ?1 AND phase = 'armed'",
                            params![&id.0[..], state_str(shown), now],
                        )
                    } else {
                        tx.execute(
                            "UPDATE checkins SET phase = 'ended', shown = ?2, ended_ms = ?3,
                             cancel_hash = NULL, duress_hash = NULL, sealed = NULL
                             WHERE id = ?1 AND phase = 'armed'",
                            params![&id.0[..], state_str(shown), now],
                        )
                    }
                    .map_err(db)?;
                    if n == 0 {
                        return Err(StoreError::NotArmed);
                    }
                    if send {
                        tx.execute(
                            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
                             WHERE i + 1 < (SELECT message_count FROM checkins WHERE id = ?1))
                             INSERT INTO outbox (checkin_id, idx) SELECT ?1, i FROM n",
                            [&id.0[..]],
                        )
                        .map_err(db)?;
                    }
                }
                Change::Nothing => {}
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn claim_due(&self, now_ms: i64, limit: u32) -> StoreResult<u32> {
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let due: Vec<(Vec<u8>, i64)> = {
                let mut q = tx
                    .prepare(
                        "SELECT id, message_count FROM checkins
                         WHERE phase = 'armed' AND fire_at_ms <= ?1
                         ORDER BY fire_at_ms LIMIT ?2",
                    )
                    .map_err(db)?;
                let rows = q
                    .query_map(params![now_ms, limit], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(db)?;
                rows.collect::<Result<_, _>>().map_err(db)?
            };
            for (id, count) in &due {
                tx.execute(
                    "UPDATE checkins SET phase = 'sending', shown = 'alerted', due_ms = fire_at_ms,
                     cancel_hash = NULL, duress_hash = NULL WHERE id = ?1",
                    [id],
                )
                .map_err(db)?;
                for i in 0..*count {
                    tx.execute(
                        "INSERT INTO outbox (checkin_id, idx) VALUES (?1, ?2)",
                        params![id, i],
                    )
                    .map_err(db)?;
                }
            }
            tx.commit().map_err(db)?;
            Ok(due.len() as u32)
        })
        .await
    }

    async fn lease_outbox(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            let rows: Vec<(Vec<u8>, i64, Vec<u8>, i64)> = {
                let mut q = tx
                    .prepare(
                        "SELECT o.checkin_id, o.idx, c.sealed, c.due_ms FROM outbox o
                         JOIN checkins c ON c.id = o.checkin_id
                         WHERE o.done = 0 AND o.lease_until <= ?1
                         ORDER BY c.due_ms, o.checkin_id, o.idx LIMIT ?2",
                    )
                    .map_err(db)?;
                let rows = q
                    .query_map(params![now_ms, limit], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .map_err(db)?;
                rows.collect::<Result<_, _>>().map_err(db)?
            };
            let mut items = Vec::with_capacity(rows.len());
            for (id, idx, sealed, due_ms) in rows {
                tx.execute(
                    "UPDATE outbox SET lease_until = ?3 WHERE checkin_id = ?1 AND idx = ?2",
                    params![&id, idx, now_ms + lease_ms],
                )
                .map_err(db)?;
                items.push(OutboxItem {
                    checkin_id: CheckinId(array(id, "id")?),
                    index: u32::try_from(idx).map_err(|_| StoreError::Corrupt("index"))?,
                    sealed,
                    due_ms,
                });
            }
            tx.commit().map_err(db)?;
            Ok(items)
        })
        .await
    }

    async fn finish(
        &self,
        id: CheckinId,
        index: u32,
        _outcome: SendOutcome,
        now_ms: i64,
    ) -> StoreResult<()> {
        self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db)?;
            tx.execute(
                "UPDATE outbox SET done = 1 WHERE checkin_id = ?1 AND idx = ?2",
                params![&id.0[..], index],
            )
            .map_err(db)?;
            let left: i64 = tx
                .query_row(
                    "SELECT count(*) FROM outbox WHERE checkin_id = ?1 AND done = 0",
                    [&id.0[..]],
                    |r| r.get(0),
                )
                .map_err(db)?;
            if left == 0 {
                tx.execute(
                    "UPDATE checkins SET phase = 'ended', sealed = NULL, ended_ms = ?2
                     WHERE id = ?1 AND phase = 'sending'",
                    params![&id.0[..], now_ms],
                )
                .map_err(db)?;
                tx.execute("DELETE FROM outbox WHERE checkin_id = ?1", [&id.0[..]])
                    .map_err(db)?;
            }
            tx.commit().map_err(db)
        })
        .await
    }

    async fn purge(&self, requests_before_ms: i64, ended_before_ms: i64) -> StoreResult<()> {
        self.run(move |c| {
            c.execute(
                "DELETE FROM requests WHERE at_ms < ?1",
                [requests_before_ms],
            )
            .map_err(db)?;
            c.execute(
                "DELETE FROM checkins WHERE phase = 'ended' AND ended_ms < ?1",
                [ended_before_ms],
            )
            .map_err(db)?;
            Ok(())
        })
        .await
    }

    async fn gauges(&self) -> StoreResult<Gauges> {
        self.run(|c| {
            let (armed, sending): (i64, i64) = c
                .query_row(
                    "SELECT coalesce(sum(phase = 'armed'), 0), coalesce(sum(phase = 'sending'), 0)
                     FROM checkins",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(db)?;
            Ok(Gauges {
                armed: armed as u64,
                sending: sending as u64,
            })
        })
        .await
    }
}

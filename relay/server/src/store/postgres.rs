//! PostgreSQL storage, for several relay processes on one database. Each due check-in is moved to
//! sending by exactly one process (`FOR UPDATE SKIP LOCKED` on the check-in rows), each outbox
//! row is leased by one process at a time (the same, on the outbox rows), and the last text of a
//! check-in ends it under the check-in's row lock. No TLS: connect over a Unix socket or loopback
//! (`postgres://user@%2Frun%2Fpostgresql/db` or `host=/run/postgresql user=... dbname=...`).

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::{Client, NoTls};
use waymark_relay_proto::{CheckinId, DevicePublicKey, RequestId};

use super::sqlite::{record_from, RawCheckin};
use super::*;

const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE checkins (
    id BYTEA PRIMARY KEY,
    device_key BYTEA NOT NULL,
    deadline BIGINT NOT NULL,
    grace BIGINT NOT NULL,
    fire_at_ms BIGINT NOT NULL,
    phase TEXT NOT NULL,
    shown TEXT NOT NULL,
    cancel_hash BYTEA,
    duress_hash BYTEA,
    sealed BYTEA,
    message_count INTEGER NOT NULL,
    due_ms BIGINT,
    ended_ms BIGINT
);
CREATE INDEX checkins_due ON checkins (phase, fire_at_ms);
CREATE INDEX checkins_device ON checkins (device_key, phase);
CREATE TABLE outbox (
    checkin_id BYTEA NOT NULL,
    idx INTEGER NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (checkin_id, idx)
);
CREATE INDEX outbox_pending ON outbox (done, lease_until);
CREATE TABLE requests (
    request_id BYTEA PRIMARY KEY,
    device_key BYTEA NOT NULL,
    path TEXT NOT NULL,
    body_sha256 BYTEA NOT NULL,
    status INTEGER NOT NULL,
    reply BYTEA NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX requests_age ON requests (at_ms);
"#];

/// Serialises migrations between processes starting together.
const MIGRATION_LOCK: i64 = 0x7761_796d_6172_6b; // "waymark"

fn db(e: tokio_postgres::Error) -> StoreError {
    // The driver's text names SQL states and constraint names, never stored values.
    StoreError::Db(e.to_string())
}

/// A few connections, each used by one task at a time.
#[derive(Clone)]
pub struct PgStore {
    config: tokio_postgres::Config,
    idle: Arc<Mutex<Vec<Client>>>,
    permits: Arc<Semaphore>,
}

struct Conn {
    client: Option<Client>,
    idle: Arc<Mutex<Vec<Client>>>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            if !c.is_closed() {
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push(c);
                }
            }
        }
    }
}

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
            .as_ref()
            .expect("a connection is held until dropped")
    }
}
impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
            .as_mut()
            .expect("a connection is held until dropped")
    }
}

impl PgStore {
    /// Connects, and creates or migrates the tables (one process at a time).
    pub async fn open(url: &str, connections: usize) -> StoreResult<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|_| StoreError::Db("the PostgreSQL address is not valid".into()))?;
        let store = PgStore {
            config,
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(Semaphore::new(connections.max(1))),
        };
        let mut c = store.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)")
            .await
            .map_err(db)?;
        let version: Option<i32> = tx
            .query_opt("SELECT version FROM relay_schema", &[])
            .await
            .map_err(db)?
            .map(|r| r.get(0));
        if version.unwrap_or(0) as usize > MIGRATIONS.len() {
            return Err(StoreError::Db(format!(
                "the database is from a newer relay (schema {})",
                version.unwrap_or(0)
            )));
        }
        if version.is_none() {
            tx.execute("INSERT INTO relay_schema (version) VALUES (0)", &[])
                .await
                .map_err(db)?;
        }
        for (i, m) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(version.unwrap_or(0) as usize)
        {
            tx.batch_execute(m).await.map_err(db)?;
            tx.execute("UPDATE relay_schema SET version = $1", &[&(i as i32 + 1)])
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        drop(c);
        Ok(store)
    }

    async fn conn(&self) -> StoreResult<Conn> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Db("the connection pool is closed".into()))?;
        let pooled = self.idle.lock().ok().and_then(|mut v| v.pop());
        let client = match pooled {
            Some(c) => c,
            None => {
                let (client, connection) = self.config.connect(NoTls).await.map_err(db)?;
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::warn!("PostgreSQL connection closed: {e}");
                    }
                });
                client
            }
        };
        Ok(Conn {
            client: Some(client),
            idle: self.idle.clone(),
            _permit: permit,
        })
    }
}

fn raw_checkin(r: &tokio_postgres::Row) -> RawCheckin {
    RawCheckin {
        id: r.get(0),
        device_key: r.get(1),
        deadline: r.get(2),
        grace: r.get(3),
        phase: r.get(4),
        shown: r.get(5),
        cancel_hash: r.get(6),
        duress_hash: r.get(7),
    }
}

impl Store for PgStore {
    async fn find_request(&self, id: RequestId) -> StoreResult<Option<RequestRecord>> {
        let c = self.conn().await?;
        let row = c
            .query_opt(
                "SELECT request_id, device_key, path, body_sha256, status, reply, at_ms
                 FROM requests WHERE request_id = $1",
                &[&&id.0[..]],
            )
            .await
            .map_err(db)?;
        row.map(|r| {
            record_from(
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get::<_, i32>(4) as i64,
                r.get(5),
                r.get(6),
            )
        })
        .transpose()
    }

    async fn get(&self, id: CheckinId) -> StoreResult<Option<Checkin>> {
        let c = self.conn().await?;
        c.query_opt(
            "SELECT id, device_key, deadline, grace, phase, shown, cancel_hash, duress_hash
             FROM checkins WHERE id = $1",
            &[&&id.0[..]],
        )
        .await
        .map_err(db)?
        .map(|r| raw_checkin(&r).check())
        .transpose()
    }

    async fn active_for_device(&self, key: DevicePublicKey) -> StoreResult<u64> {
        let c = self.conn().await?;
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM checkins WHERE device_key = $1 AND phase != 'ended'",
                &[&&key.0[..]],
            )
            .await
            .map_err(db)?
            .get(0);
        Ok(n as u64)
    }

    async fn apply(&self, change: Change, record: RequestRecord) -> StoreResult<()> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        let inserted = tx
            .execute(
                "INSERT INTO requests
                 (request_id, device_key, path, body_sha256, status, reply, at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    &&record.request_id.0[..],
                    &&record.device_key.0[..],
                    &record.path,
                    &&record.body_sha256[..],
                    &(record.status as i32),
                    &record.reply,
                    &record.at_ms,
                ],
            )
            .await
            .map_err(db)?;
        if inserted == 0 {
            return Err(StoreError::Exists);
        }
        match change {
            Change::Arm(n) => {
                let inserted = tx
                    .execute(
                        "INSERT INTO checkins (id, device_key, deadline, grace, fire_at_ms, phase,
                         shown, cancel_hash, duress_hash, sealed, message_count)
                         VALUES ($1, $2, $3, $4, $5, 'armed', 'armed', $6, $7, $8, $9)
                         ON CONFLICT DO NOTHING",
                        &[
                            &&n.id.0[..],
                            &&n.device_key.0[..],
                            &n.deadline,
                            &n.grace,
                            &fire_at_ms(n.deadline, n.grace),
                            &&n.cancel_hash.0[..],
                            &&n.duress_hash.0[..],
                            &n.sealed,
                            &(n.message_count as i32),
                        ],
                    )
                    .await
                    .map_err(db)?;
                if inserted == 0 {
                    return Err(StoreError::Exists);
                }
            }
            Change::Extend { id, deadline } => {
                let n = tx
                    .execute(
                        "UPDATE checkins SET deadline = $2, fire_at_ms = ($2 + grace) * 1000
                         WHERE id = $1 AND phase = 'armed'",
                        &[&&id.0[..], &deadline],
                    )
                    .await
                    .map_err(db)?;
                if n == 0 {
                    return Err(StoreError::NotArmed);
                }
            }
            Change::End { id, shown, send } => {
                let now = record.at_ms;
                let n = if send {
                    tx.execute(
                        "UPDATE checkins SET phase = 'sending', shown = $2, due_ms = $3,
                         cancel_hash = NULL, duress_hash = NULL
                         WHERE id = $1 AND phase = 'armed'",
                        &[&&id.0[..], &state_str(shown), &now],
                    )
                    .await
                } else {
                    tx.execute(
                        "UPDATE checkins SET phase = 'ended', shown = $2, ended_ms = $3,
                         cancel_hash = NULL, duress_hash = NULL, sealed = NULL
                         WHERE id = $1 AND phase = 'armed'",
                        &[&&id.0[..], &state_str(shown), &now],
                    )
                    .await
                }
                .map_err(db)?;
                if n == 0 {
                    return Err(StoreError::NotArmed);
                }
                if send {
                    tx.execute(
                        "INSERT INTO outbox (checkin_id, idx)
                         SELECT id, generate_series(0, message_count - 1) FROM checkins
                         WHERE id = $1",
                        &[&&id.0[..]],
                    )
                    .await
                    .map_err(db)?;
                }
            }
            Change::Nothing => {}
        }
        tx.commit().await.map_err(db)
    }

    async fn claim_due(&self, now_ms: i64, limit: u32) -> StoreResult<u32> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        let rows = tx
            .query(
                "WITH due AS (
                    SELECT id FROM checkins WHERE phase = 'armed' AND fire_at_ms <= $1
                    ORDER BY fire_at_ms LIMIT $2 FOR UPDATE SKIP LOCKED)
                 UPDATE checkins c SET phase = 'sending', shown = 'alerted', due_ms = c.fire_at_ms,
                    cancel_hash = NULL, duress_hash = NULL
                 FROM due WHERE c.id = due.id RETURNING c.id",
                &[&now_ms, &(limit as i64)],
            )
            .await
            .map_err(db)?;
        let ids: Vec<Vec<u8>> = rows.iter().map(|r| r.get(0)).collect();
        if !ids.is_empty() {
            tx.execute(
                "INSERT INTO outbox (checkin_id, idx)
                 SELECT id, generate_series(0, message_count - 1) FROM checkins
                 WHERE id = ANY($1)",
                &[&ids],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(ids.len() as u32)
    }

    async fn lease_outbox(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        let c = self.conn().await?;
        let rows = c
            .query(
                "WITH picked AS (
                    SELECT o.checkin_id, o.idx FROM outbox o
                    JOIN checkins c ON c.id = o.checkin_id
                    WHERE o.done = 0 AND o.lease_until <= $1
                    ORDER BY c.due_ms, o.checkin_id, o.idx LIMIT $3
                    FOR UPDATE OF o SKIP LOCKED)
                 UPDATE outbox o SET lease_until = $2 FROM picked, checkins c
                 WHERE o.checkin_id = picked.checkin_id AND o.idx = picked.idx
                   AND c.id = o.checkin_id
                 RETURNING o.checkin_id, o.idx, c.sealed, c.due_ms",
                &[&now_ms, &(now_ms + lease_ms), &(limit as i64)],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(OutboxItem {
                    checkin_id: CheckinId(array(r.get(0), "id")?),
                    index: u32::try_from(r.get::<_, i32>(1))
                        .map_err(|_| StoreError::Corrupt("index"))?,
                    sealed: r
                        .get::<_, Option<Vec<u8>>>(2)
                        .ok_or(StoreError::Corrupt("sealed alert"))?,
                    due_ms: r.get::<_, Option<i64>>(3).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn finish(
        &self,
        id: CheckinId,
        index: u32,
        _outcome: SendOutcome,
        now_ms: i64,
    ) -> StoreResult<()> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(db)?;
        // The check-in's row lock makes the last two texts, finished by two processes at once,
        // agree on which one ends it.
        tx.execute(
            "SELECT 1 FROM checkins WHERE id = $1 FOR UPDATE",
            &[&&id.0[..]],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "UPDATE outbox SET done = 1 WHERE checkin_id = $1 AND idx = $2",
            &[&&id.0[..], &(index as i32)],
        )
        .await
        .map_err(db)?;
        let left: i64 = tx
            .query_one(
                "SELECT count(*) FROM outbox WHERE checkin_id = $1 AND done = 0",
                &[&&id.0[..]],
            )
            .await
            .map_err(db)?
            .get(0);
        if left == 0 {
            tx.execute(
                "UPDATE checkins SET phase = 'ended', sealed = NULL, ended_ms = $2
                 WHERE id = $1 AND phase = 'sending'",
                &[&&id.0[..], &now_ms],
            )
            .await
            .map_err(db)?;
            tx.execute("DELETE FROM outbox WHERE checkin_id = $1", &[&&id.0[..]])
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn purge(&self, requests_before_ms: i64, ended_before_ms: i64) -> StoreResult<()> {
        let c = self.conn().await?;
        c.execute(
            "DELETE FROM requests WHERE at_ms < $1",
            &[&requests_before_ms],
        )
        .await
        .map_err(db)?;
        c.execute(
            "DELETE FROM checkins WHERE phase = 'ended' AND ended_ms < $1",
            &[&ended_before_ms],
        )
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn gauges(&self) -> StoreResult<Gauges> {
        let c = self.conn().await?;
        let r = c
            .query_one(
                "SELECT count(*) FILTER (WHERE phase = 'armed'),
                        count(*) FILTER (WHERE phase = 'sending') FROM checkins",
                &[],
            )
            .await
            .map_err(db)?;
        Ok(Gauges {
            armed: r.get::<_, i64>(0) as u64,
            sending: r.get::<_, i64>(1) as u64,
        })
    }
}

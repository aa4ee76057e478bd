//! `waymark-relay serve`: open the store, start the sender, answer HTTP until SIGTERM/SIGINT.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::api::{router, App};
use crate::gateway::Gateway;
use crate::limits::RateLimiter;
use crate::metrics::Metrics;
use crate::sender::{self, SenderConfig};
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;
use crate::store::Store;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// `sqlite:FILE` or a PostgreSQL address (`postgres://...` or `host=... dbname=...`).
    pub db: String,
    pub key_file: PathBuf,
    pub gateway_url: String,
    pub gateway_api: crate::gateway::GatewayApi,
    pub gateway_token_file: PathBuf,
    /// CA certificates (PEM) trusted for the gateway instead of Mozilla's roots.
    pub gateway_ca_file: Option<PathBuf>,
    pub sender: SenderConfig,
    /// Requests a device may make at once, then per minute.
    pub rate_burst: u32,
    pub rate_per_minute: u32,
    /// PostgreSQL connections per process.
    pub pg_connections: usize,
}

pub async fn serve(opts: ServeOptions) -> Result<(), String> {
    let key = Arc::new(crate::keyfile::load(&opts.key_file)?);
    let token = zeroize::Zeroizing::new(
        std::fs::read_to_string(&opts.gateway_token_file).map_err(|e| {
            format!(
                "cannot read the gateway token file {}: {e}",
                opts.gateway_token_file.display()
            )
        })?,
    );
    // A post must end well inside its lease, or another process could post the same text.
    let timeout =
        (opts.sender.lease / 3).clamp(Duration::from_millis(200), Duration::from_secs(20));
    let gateway = Gateway::new(
        &opts.gateway_url,
        opts.gateway_api.clone(),
        &token,
        opts.gateway_ca_file.as_deref(),
        timeout,
    )?;
    if let Some(path) = opts.db.strip_prefix("sqlite:") {
        let store = SqliteStore::open(std::path::Path::new(path)).map_err(|e| e.to_string())?;
        run(store, key, gateway, opts).await
    } else if opts.db.starts_with("postgres://")
        || opts.db.starts_with("postgresql://")
        || opts.db.contains("host=")
    {
        let store = PgStore::open(&opts.db, opts.pg_connections)
            .await
            .map_err(|e| e.to_string())?;
        run(store, key, gateway, opts).await
    } else {
        Err("--db must be sqlite:FILE or a postgres:// address".into())
    }
}

async fn run<S: Store>(
    store: S,
    key: Arc<waymark_relay_proto::RelayKeyPair>,
    gateway: Gateway,
    opts: ServeOptions,
) -> Result<(), String> {
    let store = Arc::new(store);
    let metrics = Arc::new(Metrics::default());
    let wake = Arc::new(Notify::new());
    let app = Arc::new(App {
        store: store.clone(),
        key: key.clone(),
        limits: RateLimiter::new(opts.rate_burst, opts.rate_per_minute),
        metrics: metrics.clone(),
        wake: wake.clone(),
    });
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, fingerprint = %key.public_key().fingerprint(), "relay listening");
    // Tests and scripts read the bound address (the port may have been 0) from this line.
    println!("listening on {addr}");
    let sender = tokio::spawn(sender::run(
        store,
        key,
        gateway,
        metrics,
        wake,
        opts.sender.clone(),
    ));
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| e.to_string())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok::<(), String>(())
    };
    let served = axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = shutdown.await;
        })
        .await
        .map_err(|e| e.to_string());
    sender.abort();
    served
}

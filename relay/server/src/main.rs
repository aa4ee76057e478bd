//! `waymark-relay`: keygen | serve. See README ("The relay") and docs/ARCHITECTURE.md ("Relay").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use waymark_relay::gateway::GatewayApi;
use waymark_relay::sender::SenderConfig;
use waymark_relay::serve::{serve, ServeOptions};

#[derive(Parser)]
#[command(
    name = "waymark-relay",
    version,
    about = "Waymark's off-phone check-in relay"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make the relay's key pair; prints the public key's fingerprint for phones to compare.
    Keygen {
        /// Where to write the private key (mode 0600; never replaced).
        #[arg(long, default_value = "relay.key")]
        key: PathBuf,
    },
    /// Hold check-ins and send missed ones' alerts.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: SocketAddr,
        /// sqlite:FILE (one process) or postgres://... (several processes on one database).
        #[arg(long)]
        db: String,
        #[arg(long, default_value = "relay.key")]
        key: PathBuf,
        /// The SMS gateway (https://, or http:// to loopback): texts are posted to URL/messages
        /// (json), or to URL/2010-04-01/Accounts/SID/Messages.json (twilio).
        #[arg(long)]
        gateway: String,
        /// The gateway's API.
        #[arg(long, value_enum, default_value = "json")]
        gateway_kind: GatewayKind,
        /// The sending number (twilio only).
        #[arg(long)]
        gateway_from: Option<String>,
        /// A file holding the gateway's bearer token (json), or ACCOUNT_SID:AUTH_TOKEN (twilio).
        #[arg(long)]
        gateway_token_file: PathBuf,
        /// CA certificates (PEM) to trust for the gateway instead of Mozilla's roots.
        #[arg(long)]
        gateway_ca_file: Option<PathBuf>,
        /// How often to look for missed check-ins, in milliseconds.
        #[arg(long, default_value_t = 500)]
        tick_ms: u64,
        /// How long a text being sent is left to its process before another may send it, in
        /// milliseconds.
        #[arg(long, default_value_t = 60_000)]
        lease_ms: u64,
        /// Texts posted to the gateway at the same time.
        #[arg(long, default_value_t = 16)]
        send_concurrency: usize,
        /// Requests one device may make at once...
        #[arg(long, default_value_t = 20)]
        rate_burst: u32,
        /// ...and then per minute.
        #[arg(long, default_value_t = 30)]
        rate_per_minute: u32,
        /// PostgreSQL connections per process.
        #[arg(long, default_value_t = 8)]
        pg_connections: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum GatewayKind {
    /// POST URL/messages, JSON {to, body, idempotency_key}, bearer token.
    Json,
    /// Twilio's Messages API: form-encoded To/From/Body, basic auth, I-Twilio-Idempotency-Token.
    Twilio,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen { key } => waymark_relay::keyfile::generate(&key).map(|pair| {
            let pk = pair.public_key();
            println!("wrote {}", key.display());
            println!(
                "public key:  {}",
                serde_json::to_string(&pk)
                    .unwrap_or_default()
                    .trim_matches('"')
            );
            println!("fingerprint: {}", pk.fingerprint());
        }),
        Command::Serve {
            listen,
            db,
            key,
            gateway,
            gateway_kind,
            gateway_from,
            gateway_token_file,
            gateway_ca_file,
            tick_ms,
            lease_ms,
            send_concurrency,
            rate_burst,
            rate_per_minute,
            pg_connections,
        } => {
            let opts = ServeOptions {
                listen,
                db,
                key_file: key,
                gateway_url: gateway,
                gateway_api: match gateway_kind {
                    GatewayKind::Json => GatewayApi::Json,
                    GatewayKind::Twilio => GatewayApi::Twilio {
                        from: gateway_from.unwrap_or_default(),
                    },
                },
                gateway_token_file,
                gateway_ca_file,
                sender: SenderConfig {
                    tick: Duration::from_millis(tick_ms.max(10)),
                    lease: Duration::from_millis(lease_ms.max(100)),
                    concurrency: send_concurrency.max(1),
                    ..SenderConfig::default()
                },
                rate_burst,
                rate_per_minute,
                pg_connections,
            };
            match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt.block_on(serve(opts)),
                Err(e) => Err(format!("cannot start the runtime: {e}")),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("waymark-relay: {e}");
            ExitCode::FAILURE
        }
    }
}

//! A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, started on a Unix
//! socket in that folder (no TCP port). PostgreSQL refuses to run as root, so as root (CI) the
//! cluster belongs to the `postgres` system user and runs through `runuser`. Missing PostgreSQL
//! is a test failure, never a silent skip: install Debian's `postgresql` (.ci/run does).

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgCluster {
    pub dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    next_db: std::sync::atomic::AtomicUsize,
}

fn find_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("WAYMARK_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; set WAYMARK_PG_BIN \
             or `apt-get install postgresql`): the relay's PostgreSQL suite cannot run"
        )
    })
}

impl PgCluster {
    /// For tests: fsync off (a crash of the machine is not what they test).
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// For the benchmark: durable commits, as SQLite's `synchronous=FULL`.
    pub fn start_durable() -> Self {
        Self::start_with(true)
    }

    fn start_with(fsync: bool) -> Self {
        let bin = find_bin();
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = tempfile::Builder::new()
            .prefix("waymark-pg-")
            .tempdir()
            .unwrap();
        if as_postgres {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            let st = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(st.success(), "chown to the postgres user failed");
        }
        let c = PgCluster {
            dir,
            bin,
            as_postgres,
            next_db: std::sync::atomic::AtomicUsize::new(0),
        };
        let data = c.data();
        c.run(
            "initdb",
            &[
                "--no-sync",
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        );
        let sock = c.dir.path().to_str().unwrap().to_string();
        let log = c.dir.path().join("pg.log");
        c.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-o",
                &format!(
                    "-k {sock} -c listen_addresses='' -c fsync={} -c max_connections=200",
                    if fsync { "on" } else { "off" }
                ),
                "start",
            ],
        );
        c
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let out = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The connection string for database `name`.
    pub fn url(&self, name: &str) -> String {
        format!(
            "host={} user=postgres dbname={name}",
            self.dir.path().display()
        )
    }

    /// A new empty database, and its connection string.
    pub async fn new_db(&self) -> String {
        let n = self
            .next_db
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("relay{n}");
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        self.url(&name)
    }

    /// Every row of every relay table in `url`, as text.
    pub async fn dump(&self, url: &str) -> String {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let mut out = String::new();
        for table in ["checkins", "outbox", "requests", "relay_schema"] {
            for row in client
                .query(&format!("SELECT t::text FROM {table} t"), &[])
                .await
                .unwrap()
            {
                out.push_str(&row.get::<_, String>(0));
                out.push('\n');
            }
        }
        out
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run(
                "pg_ctl",
                &[
                    "-D",
                    data.to_str().unwrap(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
            )
        }));
    }
}

//! A PostgreSQL cluster of the test's own, in a temporary folder, on a free port. PostgreSQL
//! refuses to run as root, so as root the cluster belongs to `nobody`. Where PostgreSQL is not
//! installed, the test says so and passes, unless NEURAL_SANDBOX_REQUIRE_POSTGRES=1 (CI sets it).

use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    // Kept until the cluster stops.
    folder: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    user: Option<String>,
}

/// The folder of Debian's PostgreSQL programs (the newest installed), or one on the PATH.
fn programs() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        }
    }

    fn data(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    pub fn start_or_say_why() -> Option<Cluster> {
        match Cluster::start() {
            Ok(cluster) => Some(cluster),
            Err(why) if std::env::var("NEURAL_SANDBOX_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
                panic!("PostgreSQL is required here and cannot start: {why}")
            }
            Err(why) => {
                eprintln!(
                    "SKIPPED: PostgreSQL cannot start on this machine ({why}); install it with .ci/install.sh"
                );
                None
            }
        }
    }

    fn start() -> Result<Cluster, String> {
        let bin = programs().ok_or("no /usr/lib/postgresql/*/bin/initdb")?;
        let folder = tempfile::Builder::new()
            .prefix("neural-sandbox-pg")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout == b"0\n")
            .unwrap_or(false);
        let user = root.then(|| "nobody".to_string());
        if root {
            let id = |flag: &str| -> Result<u32, String> {
                let out = Command::new("id")
                    .args([flag, "nobody"])
                    .output()
                    .map_err(|e| e.to_string())?;
                String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .parse()
                    .map_err(|_| "no user nobody".to_string())
            };
            std::os::unix::fs::chown(folder.path(), Some(id("-u")?), Some(id("-g")?))
                .map_err(|e| e.to_string())?;
        }
        let cluster = Cluster {
            folder,
            bin,
            port: free_port(),
            user,
        };
        let initdb = cluster
            .command("initdb")
            .arg("-D")
            .arg(cluster.data())
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb: {}",
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            cluster.port,
            cluster.folder.path().display()
        );
        let started = cluster
            .command("pg_ctl")
            .arg("-D")
            .arg(cluster.data())
            .args(["-o", &options, "-l"])
            .arg(cluster.folder.path().join("log"))
            .args(["-w", "start"])
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if !started.status.success() {
            let log =
                std::fs::read_to_string(cluster.folder.path().join("log")).unwrap_or_default();
            return Err(format!(
                "pg_ctl start: {}{log}",
                String::from_utf8_lossy(&started.stdout)
            ));
        }
        Ok(cluster)
    }

    /// A new database in the cluster, and its URL.
    pub fn url(&self, database: &str) -> String {
        let made = self
            .command("createdb")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                database,
            ])
            .output()
            .expect("createdb");
        assert!(
            made.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

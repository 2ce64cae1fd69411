//! Running the real `valet` binary as a separate process, as operators do.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `valet serve` and the lines it logged up to being ready.
pub struct ValetProcess {
    pub child: Child,
    pub port: u16,
    pub log: Vec<String>,
    rest: mpsc::Receiver<String>,
}

impl ValetProcess {
    /// Starts `valet serve` on a free port with the given environment (on
    /// top of test defaults) and waits until it listens.
    pub fn start(env: &[(&str, &str)]) -> ValetProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_valet"));
        command
            .arg("serve")
            .current_dir(std::env::temp_dir())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("VALET_ADDR", "127.0.0.1:0")
            .env("VALET_ISSUER", "http://valet.test")
            .env("VALET_BCRYPT_COST", "4")
            .env("VALET_RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("valet starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut log = Vec::new();
        loop {
            let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("valet did not start; log so far: {log:#?}");
            };
            log.push(line.clone());
            if let Some(port) = line.split("valet listening on port ").nth(1) {
                // Plain text, or the `msg` of a JSON line: the digits that follow.
                let digits: String = port.chars().take_while(char::is_ascii_digit).collect();
                let port = digits.parse().expect("port number");
                return ValetProcess {
                    child,
                    port,
                    log,
                    rest: rx,
                };
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// Sends SIGTERM.
    #[allow(unsafe_code)]
    pub fn terminate(&self) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits in i32");
        // SAFETY: kill(2) with a pid we spawned and a valid signal number.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM could not be sent");
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("valet did not exit within 30 s");
    }

    /// Reads the log until a line satisfies `wanted` (at most 30 s), and
    /// returns every line so far.
    pub fn log_until(&mut self, wanted: impl Fn(&str) -> bool) -> Vec<String> {
        self.drain_log();
        while !self.log.iter().any(|line| wanted(line)) {
            match self.rest.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => self.log.push(line),
                Err(_) => panic!("the awaited line was not logged: {:#?}", self.log),
            }
        }
        self.log.clone()
    }

    /// Every line logged so far, including those after start-up.
    pub fn drain_log(&mut self) -> Vec<String> {
        while let Ok(line) = self.rest.try_recv() {
            self.log.push(line);
        }
        self.log.clone()
    }
}

impl Drop for ValetProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

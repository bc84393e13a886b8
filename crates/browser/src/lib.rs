//! Headless Debian Chromium driven over WebDriver, for the pages' browser
//! tests (`tests/it/browser`) and the page benchmark (`bench pages`).
//!
//! Each [`Browser`] starts its own chromedriver on a free loopback port,
//! with a profile directory of its own, in a process group of its own:
//! dropping it (at the end of a test, or while a failed test unwinds)
//! kills chromedriver and every Chromium process it started, and removes
//! the profile. Only Debian's `/usr/bin/chromium` and
//! `/usr/bin/chromedriver` are used: nothing downloads a browser.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use fantoccini;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// Where Debian installs them (`apt-get install chromium chromium-driver`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long chromedriver may take to say which port it listens on.
const DRIVER_START: Duration = Duration::from_secs(30);

/// What the browser is like.
#[derive(Debug, Clone)]
pub struct Options {
    /// The viewport's size in CSS pixels.
    pub width: u32,
    pub height: u32,
    /// A phone (chromedriver's mobile emulation: the viewport is exactly
    /// `width` × `height` and the pages' `<meta name="viewport">` applies),
    /// rather than a desktop window. Headless Chromium will not make a
    /// window narrower than 500 pixels, so phones need it.
    pub phone: bool,
    /// Off: Chrome's content setting blocks every script of the pages
    /// (WebDriver's own scripts still run, through the DevTools protocol).
    pub javascript: bool,
    /// Chrome's `--force-device-scale-factor`: 2 with a window half as wide
    /// is what 200 % zoom of the full width gives a page (CSS pixels and
    /// `devicePixelRatio` both).
    pub device_scale_factor: Option<f64>,
    /// Keeps the DevTools protocol's network events, for
    /// [`Browser::network_log`].
    pub network_log: bool,
}

impl Options {
    /// A cheap phone: 360 × 800, JavaScript on.
    pub fn phone() -> Self {
        Self { width: 360, height: 800, phone: true, javascript: true, device_scale_factor: None, network_log: false }
    }

    /// A desktop window of `width` × `height` CSS pixels at `factor` device
    /// pixels each: 640 × 400 at 2 is a 1280 × 800 screen at 200 % zoom.
    pub fn zoomed(width: u32, height: u32, factor: f64) -> Self {
        Self { width, height, phone: false, javascript: true, device_scale_factor: Some(factor), network_log: false }
    }

    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    pub fn with_network_log(mut self) -> Self {
        self.network_log = true;
        self
    }

    pub fn without_javascript(mut self) -> Self {
        self.javascript = false;
        self
    }
}

/// Why a browser could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Says what is missing and how to install it, if anything is.
pub fn check_installed() -> Result<(), StartError> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(StartError(format!(
        "{} not found: the browser tests drive Debian's Chromium. Install it with \
         `apt-get install chromium chromium-driver` (or `bash .ci/browser-setup`, which also \
         installs axe-core into tests/browser/node_modules)",
        missing.join(" and ")
    )))
}

/// chromedriver and the Chromium it starts, killed together when dropped.
struct Driver {
    child: Child,
    /// The profile and chromedriver's log.
    dir: tempfile::TempDir,
    url: String,
}

/// How many times chromedriver is started before its failure is reported.
const DRIVER_ATTEMPTS: u32 = 3;

impl Driver {
    /// Starts chromedriver. With `--port=0` it picks a free port for IPv6
    /// and then binds the same number on IPv4, which another process may
    /// have taken meanwhile (tests start browsers in parallel): it exits
    /// saying so, and a new start picks another port.
    async fn start() -> Result<Self, StartError> {
        let mut attempt = 1;
        loop {
            match Self::start_once().await {
                Err(StartError(said)) if said.contains("port not available") && attempt < DRIVER_ATTEMPTS => {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn start_once() -> Result<Self, StartError> {
        check_installed()?;
        let dir = tempfile::Builder::new()
            .prefix("resguardo-browser-")
            .tempdir()
            .map_err(|e| StartError(format!("a temporary directory: {e}")))?;
        let log = dir.path().join("chromedriver.out");
        let out = std::fs::File::create(&log).map_err(|e| StartError(format!("{}: {e}", log.display())))?;
        let err = out.try_clone().map_err(|e| StartError(e.to_string()))?;
        let mut command = Command::new(CHROMEDRIVER);
        command.arg("--port=0").stdin(Stdio::null()).stdout(out).stderr(err);
        // A group of its own, so that Chromium and its helpers (which
        // chromedriver starts) die with it, whatever state the test left.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(|e| StartError(format!("{CHROMEDRIVER}: {e}")))?;
        let mut driver = Self { child, dir, url: String::new() };
        let deadline = tokio::time::Instant::now() + DRIVER_START;
        loop {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(port) = said
                .lines()
                .find_map(|l| l.strip_prefix("ChromeDriver was started successfully on port "))
                .map(|rest| rest.trim_end_matches('.').trim().to_owned())
            {
                driver.url = format!("http://127.0.0.1:{port}");
                return Ok(driver);
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(StartError(format!("chromedriver exited ({status}): {said}")));
            }
            if tokio::time::Instant::now() > deadline {
                return Err(StartError(format!("chromedriver did not start within {DRIVER_START:?}: {said}")));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn profile(&self) -> PathBuf {
        self.dir.path().join("profile")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver, Chromium, its renderers. `kill`
        // the program, since this workspace forbids `unsafe` (libc::kill).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stdout(Stdio::null()).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session.
pub struct Browser {
    client: Client,
    session: String,
    // Dropped after the client: the session is closed first when possible.
    driver: Driver,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium as `options` say.
    pub async fn start(options: &Options) -> Result<Self, StartError> {
        let driver = Driver::start().await?;
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            // Nothing but the pages under test on the wire: no updates, no
            // safe-browsing lists, no field trials.
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-extensions".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--lang=es-PE".to_owned(),
            // A phone's viewport is emulated; a desktop's is the window.
            format!("--window-size={},{}", options.width.max(500), options.height),
            format!("--user-data-dir={}", driver.profile().display()),
        ];
        if let Some(factor) = options.device_scale_factor {
            args.push(format!("--force-device-scale-factor={factor}"));
        }
        let mut prefs = json!({ "intl.accept_languages": "es-PE,es" });
        if !options.javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let mut chrome = json!({ "binary": CHROMIUM, "args": args, "prefs": prefs });
        if options.phone {
            chrome["mobileEmulation"] = json!({ "deviceMetrics": {
                "width": options.width, "height": options.height, "pixelRatio": 1.0, "mobile": true, "touch": false,
            } });
        }
        if options.network_log {
            chrome["perfLoggingPrefs"] = json!({ "enableNetwork": true, "enablePage": false });
        }
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), json!(chrome));
        if options.network_log {
            capabilities.insert("goog:loggingPrefs".into(), json!({ "performance": "ALL" }));
        }
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .map_err(|e| StartError(format!("a Chromium session: {e}")))?;
        let session = client
            .session_id()
            .await
            .map_err(|e| StartError(format!("the session's id: {e}")))?
            .ok_or_else(|| StartError("chromedriver gave no session id".into()))?;
        Ok(Self { client, session, driver })
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A DevTools protocol command (`Network.emulateNetworkConditions`…),
    /// through chromedriver's `goog/cdp/execute`.
    pub async fn cdp(&self, command: &str, params: Value) -> Result<Value, fantoccini::error::CmdError> {
        self.client.issue_cmd(Cdp { session: self.session.clone(), command: command.into(), params }).await
    }

    /// The DevTools protocol's events since the last call (with
    /// [`Options::with_network_log`]): each `{"method": …, "params": …}`.
    pub async fn network_log(&self) -> Result<Vec<Value>, fantoccini::error::CmdError> {
        let entries = self.client.issue_cmd(Log { session: self.session.clone() }).await?;
        Ok(entries
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|e| serde_json::from_str::<Value>(e["message"].as_str()?).ok())
                    .map(|m| m["message"].clone())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Ends the session and stops chromedriver.
    pub async fn close(self) {
        let Self { client, driver, .. } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
    }
}

#[derive(Debug)]
struct Cdp {
    session: String,
    command: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, _session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", self.session))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.command, "params": self.params }).to_string()))
    }
}

#[derive(Debug)]
struct Log {
    session: String,
}

impl WebDriverCompatibleCommand for Log {
    fn endpoint(&self, base: &url::Url, _session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", self.session))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "performance" }).to_string()))
    }
}

//! Encryption keys and the access-key secret: where they come from (the
//! environment or a key file, never the database), the first development
//! run's key file, and the `resguardo keys` commands (generate, status,
//! rotate, reseal, retire).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use db::Database;
use db::crypto::{Key, Keyring};
use serde::{Deserialize, Serialize};

use api::AccessKeySecret;

use crate::config::Config;

/// The key file: the current key's id, every key still needed, and the
/// secret requesters' access keys are derived with (it does not rotate).
#[derive(Debug, Serialize, Deserialize)]
struct KeyFile {
    current: u32,
    keys: Vec<KeyEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_key_secret: Option<String>,
}

impl KeyFile {
    fn ring(&self, path: &Path) -> anyhow::Result<Keyring> {
        let keys = self
            .keys
            .iter()
            .map(|entry| Key::from_base64(entry.id, &entry.key))
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("invalid key in {}", path.display()))?;
        Keyring::new(self.current, keys)
            .with_context(|| format!("{}: the current key is not in the file", path.display()))
    }

    /// A new file with one key and a new access-key secret.
    fn new(key: &Key) -> anyhow::Result<Self> {
        Ok(Self {
            current: key.id,
            keys: vec![KeyEntry { id: key.id, key: key.to_base64() }],
            access_key_secret: Some(new_access_key_secret()?.to_base64()),
        })
    }
}

fn new_access_key_secret() -> anyhow::Result<AccessKeySecret> {
    AccessKeySecret::generate().map_err(|e| anyhow::anyhow!("{e}"))
}

#[derive(Debug, Serialize, Deserialize)]
struct KeyEntry {
    id: u32,
    key: String,
}

/// Where the keys were read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `RESGUARDO_ENCRYPTION_KEYS`.
    Environment,
    File(PathBuf),
}

/// `id:base64,id:base64`: the first is the current key.
fn parse_list(list: &str) -> anyhow::Result<Keyring> {
    Keyring::from_list(list).context("RESGUARDO_ENCRYPTION_KEYS")
}

fn read_key_file(path: &Path) -> anyhow::Result<KeyFile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the key file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid key file {}", path.display()))
}

fn read_file(path: &Path) -> anyhow::Result<Keyring> {
    read_key_file(path)?.ring(path)
}

/// Writes the key file readable by its owner only, replacing it atomically.
fn write_file(path: &Path, file: &KeyFile) -> anyhow::Result<()> {
    let text = format!(
        "# Resguardo's encryption keys. Keep this file secret, and back it up\n\
         # apart from the database: without it the sealed data cannot be read.\n{}",
        toml::to_string(&file).context("serialising the key file")?
    );
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&temporary, path)?;
    Ok(())
}

/// The keys for `serve` and the other commands. A development run without
/// keys gets a new key file (and says so loudly); production refuses.
pub fn load(config: &Config) -> anyhow::Result<(Keyring, Source)> {
    if let Some(list) = config.encryption_keys.as_deref().filter(|l| !l.trim().is_empty()) {
        return Ok((parse_list(list)?, Source::Environment));
    }
    let path = PathBuf::from(&config.key_file);
    if path.exists() {
        return Ok((read_file(&path)?, Source::File(path)));
    }
    if config.production() {
        bail!(
            "production mode needs encryption keys: set RESGUARDO_ENCRYPTION_KEYS (id:base64,…) \
             or RESGUARDO_KEY_FILE to an existing key file"
        );
    }
    let key = Key::generate(1)?;
    let ring = Keyring::new(1, vec![key.clone()])?;
    write_file(&path, &KeyFile::new(&key)?)?;
    tracing::warn!(file = %path.display(), "DEVELOPMENT: created a new encryption key; back it up, the data cannot be read without it");
    if !config.json_logs().unwrap_or(false) {
        eprintln!(
            "*** DEVELOPMENT: no encryption key was configured; a new one was written to {} ***\n\
             *** Back it up: without it the sealed data cannot be read. ***",
            path.display()
        );
    }
    Ok((ring, Source::File(path)))
}

/// The secret `serve` derives access keys with: `RESGUARDO_ACCESS_KEY_SECRET`,
/// or the key file's. A key file without one (made before it existed) gets
/// one added; keys in the environment need the variable set (production
/// refuses without it; a development run makes a temporary one, so retries
/// across a restart cannot get their key back).
pub fn access_key_secret(config: &Config, source: &Source) -> anyhow::Result<AccessKeySecret> {
    if let Some(text) = config.access_key_secret.as_deref().filter(|t| !t.trim().is_empty()) {
        return AccessKeySecret::from_base64(text).context(
            "RESGUARDO_ACCESS_KEY_SECRET: expected 32 bytes in base64 (resguardo keys generate --access-key-secret)",
        );
    }
    match source {
        Source::File(path) => {
            let mut file = read_key_file(path)?;
            if let Some(text) = &file.access_key_secret {
                return AccessKeySecret::from_base64(text)
                    .with_context(|| format!("{}: access_key_secret is not 32 bytes in base64", path.display()));
            }
            let secret = new_access_key_secret()?;
            file.access_key_secret = Some(secret.to_base64());
            write_file(path, &file)?;
            tracing::warn!(file = %path.display(), "added an access-key secret to the key file; back the key file up again");
            Ok(secret)
        }
        Source::Environment if config.production() => bail!(
            "production mode: set RESGUARDO_ACCESS_KEY_SECRET beside RESGUARDO_ENCRYPTION_KEYS \
             (`resguardo keys generate --access-key-secret` makes one)"
        ),
        Source::Environment => {
            tracing::warn!(
                "DEVELOPMENT: RESGUARDO_ACCESS_KEY_SECRET is not set; a temporary one is used until the server stops"
            );
            new_access_key_secret()
        }
    }
}

/// The keys that must already exist for every command but `serve` (and
/// `keys generate`): nothing is created when they are missing.
pub fn existing(config: &Config) -> anyhow::Result<(Keyring, Source)> {
    if let Some(list) = config.encryption_keys.as_deref().filter(|l| !l.trim().is_empty()) {
        return Ok((parse_list(list)?, Source::Environment));
    }
    let path = PathBuf::from(&config.key_file);
    if !path.exists() {
        bail!(
            "no encryption keys: RESGUARDO_ENCRYPTION_KEYS is not set and the key file {} (RESGUARDO_KEY_FILE) \
             does not exist. Run the command with the server's settings (e.g. `set -a; . /etc/resguardo/resguardo.env; \
             set +a`) from the server's working directory",
            path.display()
        );
    }
    Ok((read_file(&path)?, Source::File(path)))
}

/// `db` sealing and opening with `ring`; a key file is watched, so a
/// rotation done while the server runs is picked up without a restart.
pub fn attach(db: Database, ring: Keyring, source: &Source) -> Database {
    match source {
        Source::Environment => db.with_keys(ring),
        Source::File(path) => db.with_key_source(ring, Box::new(WatchedKeyFile::watch(path.clone()))),
    }
}

/// A key file, re-read when it changes (a rotation replaces it atomically,
/// so its inode, size or modification time changes).
struct WatchedKeyFile {
    path: PathBuf,
    seen: std::sync::Mutex<Option<Stamp>>,
}

type Stamp = (std::time::SystemTime, u64, u64);

fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let metadata = std::fs::metadata(path)?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Ok((metadata.modified()?, metadata.len(), inode))
}

impl WatchedKeyFile {
    fn watch(path: PathBuf) -> Self {
        let seen = stamp(&path).ok();
        Self { path, seen: std::sync::Mutex::new(seen) }
    }
}

impl db::KeySource for WatchedKeyFile {
    fn reload(&self) -> Result<Option<Keyring>, String> {
        let now = stamp(&self.path).map_err(|e| format!("{}: {e}", self.path.display()))?;
        let mut seen = self.seen.lock().map_err(|_| "key file watch poisoned".to_owned())?;
        if *seen == Some(now) {
            return Ok(None);
        }
        let ring = read_file(&self.path).map_err(|e| format!("{e:#}"))?;
        *seen = Some(now);
        Ok(Some(ring))
    }
}

/// `resguardo keys status`.
pub async fn status(db: &Database, ring: &Keyring, source: &Source) -> anyhow::Result<()> {
    println!("Keys: {:?} (current {}), from {}", ring.key_ids(), ring.current_id(), describe(source));
    let in_use = db.keys_in_use().await?;
    for id in ring.key_ids() {
        let count = in_use.get(&id).copied().unwrap_or(0);
        let state = if id == ring.current_id() {
            " (current)"
        } else if db.key_superseded(id).await? {
            " (superseded)"
        } else {
            ""
        };
        println!("  key {id}{state}: {count} value(s)");
    }
    for (id, count) in in_use.iter().filter(|(id, _)| !ring.key_ids().contains(id)) {
        match id {
            0 => println!(
                "  {count} value(s) not sealed (written before encryption; run `keys rotate --seal-plaintext`)"
            ),
            id => println!("  key {id}: {count} value(s), and this key is NOT configured: they cannot be read"),
        }
    }
    Ok(())
}

fn describe(source: &Source) -> String {
    match source {
        Source::Environment => "RESGUARDO_ENCRYPTION_KEYS".into(),
        Source::File(path) => path.display().to_string(),
    }
}

/// `resguardo keys generate`: a new key, printed as `id:base64` for
/// `RESGUARDO_ENCRYPTION_KEYS` or written as a new key file. The id is one
/// more than the configured keys' highest (1 when there are none).
pub fn generate(config: &Config, id: Option<u32>, file: Option<&Path>, access_key_secret: bool) -> anyhow::Result<()> {
    if access_key_secret {
        println!("{}", new_access_key_secret()?.to_base64());
        return Ok(());
    }
    let id = match id {
        Some(id) => id,
        None => next_id(config)?,
    };
    let key = Key::generate(id)?;
    match file {
        None => println!("{id}:{}", key.to_base64()),
        Some(path) => {
            if path.exists() {
                bail!("{} exists already: `resguardo keys rotate` adds a key to it", path.display());
            }
            write_file(path, &KeyFile::new(&key)?)?;
            println!("Key {id} written to {}; back it up apart from the database.", path.display());
        }
    }
    Ok(())
}

/// One more than the configured keys' highest id, or 1 when there are none.
fn next_id(config: &Config) -> anyhow::Result<u32> {
    Ok(configured(config)?.map_or(1, |ring| id_after(&ring)))
}

fn id_after(ring: &Keyring) -> u32 {
    ring.key_ids().into_iter().max().unwrap_or(0) + 1
}

/// The keys configured, if any (without creating a development key file).
fn configured(config: &Config) -> anyhow::Result<Option<Keyring>> {
    if let Some(list) = config.encryption_keys.as_deref().filter(|l| !l.trim().is_empty()) {
        return parse_list(list).map(Some);
    }
    let path = PathBuf::from(&config.key_file);
    if path.exists() { read_file(&path).map(Some) } else { Ok(None) }
}

/// `resguardo keys rotate`. With a key file: a new current key in the
/// file (running servers pick it up within a second), the old keys
/// recorded as superseded, then every sealed value sealed again with the
/// new one. With `RESGUARDO_ENCRYPTION_KEYS`, which this command cannot
/// edit, the operator has put the new key first in the list everywhere
/// (`keys generate` prints one): the others are recorded as superseded and
/// every value is sealed again with the current key. The old keys stay
/// until retired.
pub async fn rotate(db: Database, ring: Keyring, source: &Source, seal_plaintext: bool) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let Source::File(path) = source else {
        let current = ring.current_id();
        db.record_rotation(&ring, now).await?;
        let report = db.with_keys(ring).reseal_all(seal_plaintext).await?;
        println!(
            "Sealed again with the current key {current} (first in RESGUARDO_ENCRYPTION_KEYS): {report}. \
             Retire the older keys with `resguardo keys retire --id N` once `resguardo keys status` shows \
             they seal nothing."
        );
        return Ok(());
    };
    let next = id_after(&ring);
    let new_key = Key::generate(next)?;
    let rotated = ring.with_key(new_key.clone())?.with_current(next)?;
    let mut file = read_key_file(path)?;
    file.keys.push(KeyEntry { id: next, key: new_key.to_base64() });
    file.current = next;
    write_file(path, &file)?;
    db.record_rotation(&rotated, now).await?;
    let report = db.with_keys(rotated).reseal_all(seal_plaintext).await?;
    println!("New current key {next} in {}; sealed again: {report}", path.display());
    println!("Back up {} now, apart from the database backups.", path.display());
    Ok(())
}

/// `resguardo keys reseal`: every value sealed again with the current key
/// (after a rotation, when `keys status` still shows values under an old
/// key).
pub async fn reseal(db: Database, ring: Keyring, seal_plaintext: bool) -> anyhow::Result<()> {
    let current = ring.current_id();
    if db.key_superseded(current).await? {
        bail!("the current key {current} was superseded by a rotation: these keys are out of date");
    }
    let report = db.with_keys(ring).reseal_all(seal_plaintext).await?;
    println!("Sealed again with the current key {current}: {report}");
    Ok(())
}

/// `resguardo keys retire --id N`: refused while any value anywhere is
/// sealed under key N. With a key file, the key leaves the file; with
/// `RESGUARDO_ENCRYPTION_KEYS`, the operator removes it from the list.
pub async fn retire(db: &Database, ring: &Keyring, source: &Source, id: u32) -> anyhow::Result<()> {
    if ring.key(id).is_none() {
        bail!("key {id} is not among the configured keys {:?}", ring.key_ids());
    }
    db.retire_key(id, ring.current_id(), chrono::Utc::now()).await?;
    let Source::File(path) = source else {
        println!(
            "Key {id} seals nothing and is retired: remove {id}:… from RESGUARDO_ENCRYPTION_KEYS everywhere \
             and roll out. Keep it with the backups made before the rotation."
        );
        return Ok(());
    };
    let remaining = ring.without(id)?;
    let mut file = read_key_file(path)?;
    file.keys.retain(|key| key.id != id);
    write_file(path, &file)?;
    println!(
        "Key {id} retired; keys now {:?}. Keep a copy with the backups made before the rotation.",
        remaining.key_ids()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::load(None, &move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap()
    }

    #[test]
    fn a_generated_key_file_is_what_serve_loads_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.toml");
        let file = path.to_str().unwrap();
        let production = config(&[
            ("RESGUARDO_MODE", "production"),
            ("RESGUARDO_GRAPHIQL", "false"),
            ("RESGUARDO_SECOND_FACTOR_ROLES", "admin"),
            ("RESGUARDO_KEY_FILE", file),
        ]);
        // No keys yet: production refuses to start, and the first key is 1.
        assert!(load(&production).is_err());
        assert_eq!(next_id(&production).unwrap(), 1);
        generate(&production, None, Some(&path), false).unwrap();
        let (ring, source) = load(&production).unwrap();
        assert_eq!((ring.current_id(), source), (1, Source::File(path.clone())));
        let before = std::fs::read_to_string(&path).unwrap();
        assert!(generate(&production, None, Some(&path), false).is_err(), "an existing key file is never replaced");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }

    #[test]
    fn the_next_key_id_follows_the_configured_keys() {
        let three = Key::generate(3).unwrap().to_base64();
        let one = Key::generate(1).unwrap().to_base64();
        let list = format!("3:{three},1:{one}");
        assert_eq!(next_id(&config(&[("RESGUARDO_ENCRYPTION_KEYS", &list)])).unwrap(), 4);
    }
}

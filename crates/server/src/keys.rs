//! Encryption keys: where they come from (an environment variable or a key
//! file, never the database), the first development run's key, and the
//! `resguardo keys` commands (status, rotate, retire).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use db::Database;
use db::crypto::{Key, Keyring};
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// The key file: the current key's id and every key still needed.
#[derive(Debug, Serialize, Deserialize)]
struct KeyFile {
    current: u32,
    keys: Vec<KeyEntry>,
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
    let mut keys = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, key) = item.split_once(':').context("RESGUARDO_ENCRYPTION_KEYS: expected id:base64 pairs")?;
        let id: u32 = id.trim().parse().context("RESGUARDO_ENCRYPTION_KEYS: key ids are numbers")?;
        keys.push(Key::from_base64(id, key).context("RESGUARDO_ENCRYPTION_KEYS")?);
    }
    let current = keys.first().map(|k| k.id).context("RESGUARDO_ENCRYPTION_KEYS is empty")?;
    Ok(Keyring::new(current, keys)?)
}

fn read_file(path: &Path) -> anyhow::Result<Keyring> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the key file {}", path.display()))?;
    let file: KeyFile = toml::from_str(&text).with_context(|| format!("invalid key file {}", path.display()))?;
    let keys = file
        .keys
        .iter()
        .map(|entry| Key::from_base64(entry.id, &entry.key))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("invalid key in {}", path.display()))?;
    Keyring::new(file.current, keys).with_context(|| format!("{}: the current key is not in the file", path.display()))
}

/// Writes the key file readable by its owner only, replacing it atomically.
fn write_file(path: &Path, ring: &Keyring, keys: &[Key]) -> anyhow::Result<()> {
    let file = KeyFile {
        current: ring.current_id(),
        keys: keys.iter().map(|k| KeyEntry { id: k.id, key: k.to_base64() }).collect(),
    };
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
    write_file(&path, &ring, &[key])?;
    tracing::warn!(file = %path.display(), "DEVELOPMENT: created a new encryption key; back it up, the data cannot be read without it");
    eprintln!(
        "*** DEVELOPMENT: no encryption key was configured; a new one was written to {} ***\n\
         *** Back it up: without it the sealed data cannot be read. ***",
        path.display()
    );
    Ok((ring, Source::File(path)))
}

/// `resguardo keys status`.
pub async fn status(config: &Config, db: &Database) -> anyhow::Result<()> {
    let (ring, source) = load(config)?;
    println!("Keys: {:?} (current {}), from {}", ring.key_ids(), ring.current_id(), describe(&source));
    for (id, count) in db.keys_in_use().await? {
        match id {
            0 => println!(
                "  {count} value(s) not sealed (written before encryption; run `keys rotate --seal-plaintext`)"
            ),
            id => println!("  key {id}: {count} value(s)"),
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

/// `resguardo keys rotate`: a new current key, then every sealed value
/// sealed again with it. The old keys stay until retired.
pub async fn rotate(config: &Config, db: Database, seal_plaintext: bool) -> anyhow::Result<()> {
    let (ring, source) = load(config)?;
    let Source::File(path) = source else {
        bail!(
            "keys come from RESGUARDO_ENCRYPTION_KEYS: add a new key at the front of the list yourself \
             (e.g. `openssl rand -base64 32`), restart, then run `resguardo keys rotate` with that list"
        );
    };
    let next = ring.key_ids().into_iter().max().unwrap_or(0) + 1;
    let new_key = Key::generate(next)?;
    let rotated = ring.with_key(new_key)?.with_current(next)?;
    let all_keys: Vec<Key> =
        read_keys(&path)?.into_iter().chain(std::iter::once(rotated_key(&rotated, next)?)).collect();
    write_file(&path, &rotated, &all_keys)?;
    let report = db.with_keys(rotated).reseal_all(seal_plaintext).await?;
    println!("New current key {next}; sealed again: {} request(s), {} history entr(ies)", report.cases, report.events);
    Ok(())
}

/// `resguardo keys retire --id N`: removes a key nothing uses any more.
pub async fn retire(config: &Config, db: &Database, id: u32) -> anyhow::Result<()> {
    let (ring, source) = load(config)?;
    let Source::File(path) = source else {
        bail!("keys come from RESGUARDO_ENCRYPTION_KEYS: remove the key from the list yourself");
    };
    if id == ring.current_id() {
        bail!("key {id} is the current key; rotate first");
    }
    if let Some(count) = db.keys_in_use().await?.get(&id) {
        bail!("key {id} still seals {count} value(s); run `resguardo keys rotate` first");
    }
    let remaining = ring.without(id)?;
    let keys: Vec<Key> = read_keys(&path)?.into_iter().filter(|k| k.id != id).collect();
    write_file(&path, &remaining, &keys)?;
    println!("Key {id} retired; keys now {:?}", remaining.key_ids());
    Ok(())
}

fn read_keys(path: &Path) -> anyhow::Result<Vec<Key>> {
    let text = std::fs::read_to_string(path)?;
    let file: KeyFile = toml::from_str(&text)?;
    Ok(file.keys.iter().map(|e| Key::from_base64(e.id, &e.key)).collect::<Result<Vec<_>, _>>()?)
}

/// The key with `id` out of a keyring (to write it to the file).
fn rotated_key(ring: &Keyring, id: u32) -> anyhow::Result<Key> {
    ring.key(id).cloned().context("the new key is missing")
}

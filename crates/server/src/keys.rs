//! Encryption keys: where they come from (an environment variable or a key
//! file, never the database), the first development run's key, and the
//! `resguardo keys` commands (generate, status, rotate, retire).

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

/// `resguardo keys generate`: a new key, printed as `id:base64` for
/// `RESGUARDO_ENCRYPTION_KEYS` or written as a new key file. The id is one
/// more than the configured keys' highest (1 when there are none).
pub fn generate(config: &Config, id: Option<u32>, file: Option<&Path>) -> anyhow::Result<()> {
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
            write_file(path, &Keyring::new(id, vec![key.clone()])?, &[key])?;
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
/// file, then every sealed value sealed again with it. With
/// `RESGUARDO_ENCRYPTION_KEYS`, which this command cannot edit, the
/// operator has put the new key first in the list (`keys generate`
/// prints one): every value is sealed again with that current key. The
/// old keys stay until retired.
pub async fn rotate(config: &Config, db: Database, seal_plaintext: bool) -> anyhow::Result<()> {
    let (ring, source) = load(config)?;
    let Source::File(path) = source else {
        let current = ring.current_id();
        let report = db.with_keys(ring).reseal_all(seal_plaintext).await?;
        println!(
            "Sealed again with the current key {current} (first in RESGUARDO_ENCRYPTION_KEYS): {} request(s), \
             {} history entr(ies). Remove the older keys from the list once `resguardo keys status` shows \
             they seal nothing.",
            report.cases, report.events
        );
        return Ok(());
    };
    let next = id_after(&ring);
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
        generate(&production, None, Some(&path)).unwrap();
        let (ring, source) = load(&production).unwrap();
        assert_eq!((ring.current_id(), source), (1, Source::File(path.clone())));
        let before = std::fs::read_to_string(&path).unwrap();
        assert!(generate(&production, None, Some(&path)).is_err(), "an existing key file is never replaced");
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

//! ODK Collect's encrypted submissions (ODK XForms, "Encrypted forms";
//! ../shared/OPENROSA.md): the XML part is a manifest naming the encrypted
//! files; a random 256-bit key, encrypted to the form's public key with
//! RSA-OAEP (SHA-256, MGF1-SHA-256), encrypts each file with AES-256-CFB
//! and PKCS#7 padding, under an IV derived from MD5(instanceID ‖ key) with
//! one byte bumped per file (the media in order, the submission last); an
//! RSA-encrypted MD5 over the form, the key, the instance and each
//! plaintext file's MD5 signs the whole. A submission whose signature does
//! not hold is refused: CFB alone would let altered bytes through.

use aes::Aes256;
use base64::Engine as _;
use cfb_mode::cipher::{AsyncStreamCipher, KeyIvInit};
use md5::{Digest, Md5};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Oaep, RsaPrivateKey};

use crate::auth::secrets::hex;
use crate::xform::{InstanceError, parse_xml};

/// What an encrypted submission holds, opened.
pub(crate) struct Opened {
    /// The instance, as `xform::instance` reads it.
    pub(crate) instance: String,
    /// The media files by their names (without `.enc`), those this POST
    /// carried.
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// Whether `xml` is an encrypted submission's manifest.
pub(crate) fn is_manifest(xml: &str) -> bool {
    parse_xml(xml).is_ok_and(|document| document.root_element().attribute("encrypted") == Some("yes"))
}

/// Opens the submission `manifest` describes with one of `private_keys`
/// (PKCS#8 DER; the newest first), from the encrypted `parts` this POST
/// carried (by file name). Every part must be here: the signature covers
/// them all.
pub(crate) fn open(
    manifest: &str,
    parts: &[(String, &[u8])],
    private_keys: &[Vec<u8>],
) -> Result<Opened, InstanceError> {
    let document = parse_xml(manifest).map_err(|_| InstanceError::NotXml)?;
    let root = document.root_element();
    let form_id = root.attribute("id").ok_or(InstanceError::OtherForm)?;
    let text = |name: &str| -> Option<String> {
        root.descendants()
            .find(|n| n.is_element() && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let instance_id = text("instanceID").ok_or(InstanceError::NoInstanceId)?;
    let encrypted_key = text("base64EncryptedKey").ok_or(InstanceError::Undecryptable)?;
    let signature = text("base64EncryptedElementSignature").ok_or(InstanceError::Tampered)?;
    let xml_file = text("encryptedXmlFile").ok_or(InstanceError::Undecryptable)?;
    let media: Vec<String> = root
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "media")
        .filter_map(|m| m.children().find(|c| c.is_element() && c.tag_name().name() == "file"))
        .filter_map(|f| f.text().map(|t| t.trim().to_owned()))
        .collect();

    let b64 = base64::engine::general_purpose::STANDARD;
    let sealed_key = b64.decode(encrypted_key.as_bytes()).map_err(|_| InstanceError::Undecryptable)?;
    let (private_key, key) = private_keys
        .iter()
        .filter_map(|der| RsaPrivateKey::from_pkcs8_der(der).ok())
        .find_map(|private| {
            let key = private.decrypt(oaep(), &sealed_key).ok()?;
            (key.len() == 32).then_some((private, key))
        })
        .ok_or(InstanceError::Undecryptable)?;

    let mut seed: [u8; 16] = Md5::new().chain_update(instance_id.as_bytes()).chain_update(&key).finalize().into();
    let mut signed = String::new();
    for line in [Some(form_id), root.attribute("version"), Some(encrypted_key.as_str()), Some(instance_id.as_str())]
        .into_iter()
        .flatten()
    {
        signed.push_str(line);
        signed.push('\n');
    }
    let mut files = Vec::with_capacity(media.len());
    let mut instance = None;
    for (index, name) in media.iter().chain(std::iter::once(&xml_file)).enumerate() {
        // The IV of the n-th file: the seed with n bytes bumped so far.
        seed[index % 16] = seed[index % 16].wrapping_add(1);
        let part = parts.iter().find(|(part, _)| part == name).ok_or(InstanceError::EncryptedPartMissing)?;
        let plain = decrypt_file(&key, &seed, part.1)?;
        let plain_name = name.strip_suffix(".enc").unwrap_or(name).to_owned();
        signed.push_str(&format!("{plain_name}::{}\n", hex(&Md5::digest(&plain))));
        if index == media.len() {
            instance = Some(String::from_utf8(plain).map_err(|_| InstanceError::Tampered)?);
        } else {
            files.push((plain_name, plain));
        }
    }
    let sealed_signature = b64.decode(signature.as_bytes()).map_err(|_| InstanceError::Tampered)?;
    let expected = private_key.decrypt(oaep(), &sealed_signature).map_err(|_| InstanceError::Tampered)?;
    if expected != Md5::digest(signed.as_bytes()).as_slice() {
        return Err(InstanceError::Tampered);
    }
    let instance = instance.ok_or(InstanceError::Undecryptable)?;
    Ok(Opened { instance, files })
}

fn oaep() -> Oaep {
    Oaep::new_with_mgf_hash::<rsa::sha2::Sha256, rsa::sha2::Sha256>()
}

/// AES-256-CFB (128-bit feedback), then PKCS#7 padding removed.
fn decrypt_file(key: &[u8], iv: &[u8; 16], encrypted: &[u8]) -> Result<Vec<u8>, InstanceError> {
    let mut bytes = encrypted.to_vec();
    let cipher = cfb_mode::Decryptor::<Aes256>::new_from_slices(key, iv).map_err(|_| InstanceError::Undecryptable)?;
    cipher.decrypt(&mut bytes);
    let pad = usize::from(*bytes.last().ok_or(InstanceError::Tampered)?);
    let well_padded = (1..=16).contains(&pad)
        && bytes.len() >= pad
        && bytes[bytes.len() - pad..].iter().all(|b| usize::from(*b) == pad);
    if !well_padded {
        return Err(InstanceError::Tampered);
    }
    bytes.truncate(bytes.len() - pad);
    Ok(bytes)
}

/// A new key pair for the form: the public key as the form carries it
/// (SubjectPublicKeyInfo DER, base64) and the private key (PKCS#8 DER).
pub(crate) fn new_key_pair() -> Result<(String, Vec<u8>), crate::error::ApiError> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
    let private = RsaPrivateKey::new(&mut rand_core::OsRng, 2048).map_err(|_| crate::error::ApiError::Internal)?;
    let public = private.to_public_key().to_public_key_der().map_err(|_| crate::error::ApiError::Internal)?;
    let private = private.to_pkcs8_der().map_err(|_| crate::error::ApiError::Internal)?;
    Ok((base64::engine::general_purpose::STANDARD.encode(public.as_bytes()), private.as_bytes().to_vec()))
}

//! A file's size as people read it: "850 bytes", "12,3 KB", "64 MB"
//! (Spanish: a decimal comma; a KB is 1024 bytes, as the limits count).

use super::catalogue::{Text, Tr};

/// The units past bytes, each 1024 of the one before, by their message.
const UNITS: [&str; 3] = ["tamano-kb", "tamano-mb", "tamano-gb"];

/// `bytes` in the largest unit that keeps it at 1 or more.
pub(crate) fn size(t: Tr, bytes: u64) -> Text {
    if bytes < 1024 {
        return t.t1("tamano-bytes", "cantidad", bytes as usize);
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    // 1023.97 KB would read "1024 KB": it is 1 MB.
    while unit + 1 < UNITS.len() && figure(value).1 >= 1024 {
        value /= 1024.0;
        unit += 1;
    }
    t.t1(UNITS[unit], "cifra", figure(value).0)
}

/// The figure written out, with one decimal below 100 ("12,3", "4",
/// "450"), and its whole part as rounded.
fn figure(value: f64) -> (String, u64) {
    if value < 99.95 {
        let tenths = (value * 10.0).round() as u64;
        let (whole, tenth) = (tenths / 10, tenths % 10);
        let text = if tenth == 0 { whole.to_string() } else { format!("{whole},{tenth}") };
        (text, whole)
    } else {
        let whole = value.round() as u64;
        (whole.to_string(), whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::catalogue::Lang;

    #[test]
    fn sizes_read_in_spanish() {
        let t = Tr::new(Lang::Es);
        let said = |bytes: u64| size(t, bytes).as_str().to_owned();
        assert_eq!(said(1), "1 byte");
        assert_eq!(said(850), "850 bytes");
        assert_eq!(said(1024), "1 KB");
        assert_eq!(said(12_595), "12,3 KB");
        assert_eq!(said(460_800), "450 KB");
        assert_eq!(said(1_048_575), "1 MB");
        assert_eq!(said(1_572_864), "1,5 MB");
        assert_eq!(said(64 << 20), "64 MB");
        assert_eq!(said(3 << 30), "3 GB");
    }
}

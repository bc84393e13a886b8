//! `resguardo probe`: asks the server's own `/healthz` or `/readyz` and
//! exits 0 only on `200`. The container image has no shell and no curl, so
//! its health check runs the binary itself. Blocking std I/O: one request,
//! a few bytes, then the process ends.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{Context as _, bail};

const TIMEOUT: Duration = Duration::from_secs(3);

/// Asks `path` of the server listening on `listen` (an unspecified address
/// such as 0.0.0.0 is asked on loopback).
pub fn run(listen: SocketAddr, path: &str) -> anyhow::Result<()> {
    if !path.starts_with('/') || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("--path: expected a path such as /readyz");
    }
    let address = loopback_if_unspecified(listen);
    let status = ask(address, path).with_context(|| format!("no answer from http://{address}{path}"))?;
    if status != 200 {
        bail!("http://{address}{path} answered {status}");
    }
    println!("ok");
    Ok(())
}

fn loopback_if_unspecified(listen: SocketAddr) -> SocketAddr {
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), listen.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), listen.port()),
        _ => listen,
    }
}

/// The status code of `GET path`.
fn ask(address: SocketAddr, path: &str) -> anyhow::Result<u16> {
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 64];
    let mut read = 0;
    // "HTTP/1.1 200 OK": the status line's first 12 bytes are enough.
    while read < 12 {
        match stream.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    let line = std::str::from_utf8(&head[..read]).context("not HTTP")?;
    line.split(' ').nth(1).and_then(|code| code.parse().ok()).context("not an HTTP status line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_loopback_for_an_unspecified_address() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(loopback_if_unspecified(any), "127.0.0.1:8080".parse().unwrap());
        let any6: SocketAddr = "[::]:8080".parse().unwrap();
        assert_eq!(loopback_if_unspecified(any6), "[::1]:8080".parse().unwrap());
        let given: SocketAddr = "10.0.0.5:9000".parse().unwrap();
        assert_eq!(loopback_if_unspecified(given), given);
    }

    #[test]
    fn refuses_a_path_that_would_break_the_request_line() {
        // Refused before connecting: the error names the option, not the address.
        let address: SocketAddr = "127.0.0.1:9".parse().unwrap();
        for path in ["readyz", "/readyz HTTP/1.0\r\nX: y"] {
            let error = run(address, path).unwrap_err().to_string();
            assert!(error.starts_with("--path:"), "{path:?}: {error}");
        }
    }
}

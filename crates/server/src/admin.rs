//! `resguardo admin create`: the first administrator account (later ones
//! are created through the API by an admin).

use std::io::BufRead as _;

use anyhow::{Context as _, bail};
use api::PasswordHasher;
use chrono::Utc;
use db::{Actor, Database, NewUser};
use domain::roles::Role;

/// Where the password comes from.
pub enum PasswordSource {
    /// Asked twice on the terminal, without echo.
    Prompt,
    /// One line on standard input (for scripts).
    Stdin,
}

pub async fn create(db: &Database, email: &str, name: &str, source: PasswordSource) -> anyhow::Result<()> {
    let password = match source {
        PasswordSource::Stdin => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
        PasswordSource::Prompt => {
            let first = rpassword::prompt_password("Contraseña (mínimo 12 caracteres): ")
                .context("no terminal to ask for the password: use --password-stdin")?;
            let second = rpassword::prompt_password("Repita la contraseña: ")?;
            if first != second {
                bail!("las contraseñas no coinciden");
            }
            first
        }
    };
    create_with_password(db, email, name, &password).await
}

/// Creates an administrator account with `password` (checked for length).
pub async fn create_with_password(db: &Database, email: &str, name: &str, password: &str) -> anyhow::Result<()> {
    let email = domain::contact::EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = domain::text::Name::parse(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let hash = PasswordHasher::new(1).hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = db
        .create_user(
            NewUser {
                email: email.as_str().to_owned(),
                display_name: name.as_str().to_owned(),
                role: Role::Admin,
                sector: None,
                lead_coordinator: false,
                password_hash: hash,
            },
            &Actor::system(),
            Utc::now(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("Administrator account created: {} ({})", user.email, user.id);
    Ok(())
}

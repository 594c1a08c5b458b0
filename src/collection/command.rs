//! Staff actions as domain commands. Each action is a typed input implementing [`Command`];
//! [`execute`] runs it in one write transaction begun as a writer (`BEGIN IMMEDIATE`, see
//! [`crate::db::Writer`]) with the acting account, so the change and its audit entries land
//! together or not at all, and the audit chain is appended by one writer at a time.
//!
//! The audit log can be written only through [`Tx::audit`]: there is no other way to append
//! an entry, so no entry is ever written outside the transaction of its change.

use std::future::Future;
use std::ops::{Deref, DerefMut};

use sqlx::SqliteConnection;

use super::audit;
use crate::auth::Role;
use crate::db::{WriteTx, Writer};

/// Who acts: a signed-in staff member, the command line, or an anonymous visitor (a failed
/// sign-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The name the audit log records.
    pub name: String,
    /// The staff role; `None` for the command line's operator and for visitors.
    pub role: Option<Role>,
    /// The command line runs on the server as its operator, who may do anything.
    operator: bool,
}

impl Actor {
    /// A signed-in staff member.
    pub fn staff(name: impl Into<String>, role: Role) -> Self {
        Self { name: name.into(), role: Some(role), operator: false }
    }

    /// The operator at the server's command line (`zbor user add`, imports).
    pub fn operator() -> Self {
        Self { name: "cli".to_owned(), role: None, operator: true }
    }

    /// Someone not signed in, under the name they typed (already bounded by the caller).
    pub fn visitor(name: impl Into<String>) -> Self {
        Self { name: name.into(), role: None, operator: false }
    }

    /// Whether the actor's role passes `rule`; the operator passes every rule.
    pub fn may(&self, rule: impl Fn(Role) -> bool) -> bool {
        self.operator || self.role.is_some_and(rule)
    }
}

/// Why a command changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// What the command names does not exist (or may not be seen: the two look the same).
    #[error("not found")]
    NotFound,
    /// The actor's role may not do this.
    #[error("not allowed")]
    NotAllowed,
    /// A rule of the museum refuses the change; the key names a translated message.
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for CommandError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl CommandError {
    /// A change that names a record no longer there (a maker, an event, a place another
    /// curator removed since the form was drawn, or an id typed into the form) fails on the
    /// database's foreign keys: that is a refusal with a message, not a server error.
    fn named_what_is_gone(self) -> Self {
        let gone = |err: &sqlx::Error| matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation);
        match self {
            Self::Internal(err) if err.chain().filter_map(|e| e.downcast_ref::<sqlx::Error>()).any(gone) => {
                Self::Refused("edit-error-gone")
            }
            other => other,
        }
    }
}

/// The result of a command.
pub type CommandResult<T> = Result<T, CommandError>;

/// The transaction a command runs in: a connection (through `Deref`), the acting account,
/// the audit log, and a note of whether the public collection changed.
#[derive(Debug)]
pub struct Tx {
    tx: WriteTx,
    actor: Actor,
    public_changed: bool,
}

impl Tx {
    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Refuses the command unless the actor's role passes `rule`.
    pub fn require(&self, rule: impl Fn(Role) -> bool) -> CommandResult<()> {
        if self.actor.may(rule) { Ok(()) } else { Err(CommandError::NotAllowed) }
    }

    /// Appends an entry by the acting account to the audit log, in this transaction.
    pub async fn audit(&mut self, action: &str, target: &str, details: serde_json::Value) -> sqlx::Result<()> {
        let actor = self.actor.name.clone();
        audit::append(&mut self.tx, &actor, action, target, &details).await
    }

    /// Appends an entry under another actor's name: a failed sign-in is recorded under the
    /// account it tried, as nobody is signed in.
    pub async fn audit_by(
        &mut self,
        actor: &str,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> sqlx::Result<()> {
        audit::append(&mut self.tx, actor, action, target, &details).await
    }

    /// Notes that what the public sees changed, so the public snapshot is reloaded after commit.
    pub fn public_changed(&mut self) {
        self.public_changed = true;
    }
}

impl Deref for Tx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// A staff action: a typed input that makes its change and its audit entries in `tx`.
pub trait Command: Send {
    /// What the action returns (the id of what it made, what it found…).
    type Output: Send;

    fn run(self, tx: &mut Tx) -> impl Future<Output = CommandResult<Self::Output>> + Send;
}

/// What a committed command returned, and whether the public must be shown the change.
#[derive(Debug)]
pub struct Done<T> {
    pub output: T,
    pub public_changed: bool,
}

/// Runs `command` as `actor` in a write transaction and rolls it back: what the command would
/// return, with nothing written (a batch's preview).
pub async fn dry_run<C: Command>(writer: &Writer, actor: Actor, command: C) -> CommandResult<C::Output> {
    let mut tx = Tx { tx: writer.begin().await?, actor, public_changed: false };
    let output = command.run(&mut tx).await?;
    tx.tx.rollback().await?;
    Ok(output)
}

/// Runs `command` as `actor` in one write transaction and commits it; on any error nothing
/// is written.
pub async fn execute<C: Command>(writer: &Writer, actor: Actor, command: C) -> CommandResult<Done<C::Output>> {
    let mut tx = Tx { tx: writer.begin().await?, actor, public_changed: false };
    let output = command.run(&mut tx).await.map_err(CommandError::named_what_is_gone)?;
    let public_changed = tx.public_changed;
    tx.tx.commit().await.map_err(|e| CommandError::from(e).named_what_is_gone())?;
    Ok(Done { output, public_changed })
}

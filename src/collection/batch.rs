//! Batch editing: one change to many objects in one transaction. Each object's change is the
//! ordinary command for it (an edit, a move, publishing, withdrawing, listing in a stocktake),
//! so the same rules apply and each changed object gets its own audit entry. An object a rule
//! refuses is left as it was and named with the reason; the others change. A preview runs
//! the same batch and rolls it back, so it shows exactly what confirming will do.

use chrono::NaiveDate;
use serde::Serialize;

use super::command::{Command, CommandError, CommandResult, Tx};
use super::inventory::ListInStocktake;
use super::loans::AddToLoan;
use super::numbers::AccessionPattern;
use super::objects::{self, ObjectInput, SaveObject};
use super::publication::{Publish, Withdraw};
use super::rights::Rights;
use super::types::PubState;
use super::whereabouts::MoveObject;
use crate::auth::Role;

/// Most objects one batch may change.
pub const MAX_OBJECTS: usize = 2000;

/// What a batch does to each object.
#[derive(Debug, Clone)]
pub enum Change {
    /// Sets the object type (a code).
    Type(String),
    /// Links an event.
    AddEvent(i64),
    /// Credits a maker, after the makers already credited.
    AddMaker(i64),
    /// Sets the rights statement (`None`: the collection's).
    Rights(Option<Rights>),
    /// Moves to a location, its normal place from then on.
    Move {
        location: i64,
        on: NaiveDate,
    },
    /// Publishes (objects whose donor's consent or photos must be checked are left for the
    /// editor, where the curator confirms each).
    Publish {
        pattern: AccessionPattern,
        year: i32,
    },
    Withdraw,
    /// Lists in an open stocktake.
    Stocktake(i64),
    /// Puts on a loan being arranged.
    Loan(i64),
}

impl Change {
    /// Whether the type, event, maker, location or stocktake it names exists (the list offers
    /// only those that do; a stale form may name others).
    async fn names_what_exists(&self, tx: &mut Tx) -> CommandResult<bool> {
        let (table, id) = match self {
            Change::Type(code) => return Ok(super::authorities::type_exists(tx, code).await?),
            Change::AddEvent(id) => ("events", id),
            Change::AddMaker(id) => ("makers", id),
            Change::Move { location, .. } => ("locations", location),
            Change::Stocktake(id) => ("stocktakes", id),
            Change::Loan(id) => ("loans", id),
            Change::Rights(_) | Change::Publish { .. } | Change::Withdraw => return Ok(true),
        };
        let query = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?)");
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(query)).bind(id).fetch_one(&mut **tx).await?)
    }
}

/// What happened, or would happen, to one object.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: i64,
    pub entry_number: String,
    pub title: String,
    /// `changed`, `unchanged`, or the message key of the rule that refused it.
    pub result: &'static str,
}

impl Outcome {
    pub fn changed(&self) -> bool {
        self.result == "changed"
    }
}

/// Applies `change` to every object of `ids` (in that order, each once). Publishing roles.
#[derive(Debug, Clone)]
pub struct BatchEdit {
    pub ids: Vec<i64>,
    pub change: Change,
}

impl Command for BatchEdit {
    type Output = Vec<Outcome>;

    async fn run(self, tx: &mut Tx) -> CommandResult<Vec<Outcome>> {
        tx.require(Role::can_publish)?;
        if self.ids.is_empty() {
            return Err(CommandError::Refused("batch-error-none"));
        }
        if self.ids.len() > MAX_OBJECTS {
            return Err(CommandError::Refused("batch-error-too-many"));
        }
        if !self.change.names_what_exists(tx).await? {
            return Err(CommandError::Refused("edit-error-choose"));
        }
        let mut outcomes = Vec::with_capacity(self.ids.len());
        let mut seen = std::collections::HashSet::new();
        for id in self.ids.into_iter().filter(|id| seen.insert(*id)) {
            let Some(record) = objects::load(tx, id).await? else { continue };
            let entry_number = record.entry_number.clone();
            let title = [&record.fields.title.be, &record.fields.title.en, &record.fields.title.ru]
                .into_iter()
                .find(|t| !t.is_empty())
                .cloned()
                .unwrap_or_default();
            // Each object in its own savepoint: a refusal undoes that object's change only.
            sqlx::query("SAVEPOINT batch_object").execute(&mut **tx).await?;
            let result = match one(tx, record, &self.change).await {
                Ok(true) => "changed",
                Ok(false) => "unchanged",
                Err(CommandError::Refused(key)) => key,
                Err(CommandError::NotAllowed) => "batch-error-not-allowed",
                Err(CommandError::NotFound) => "batch-error-not-found",
                Err(err) => return Err(err),
            };
            if result != "changed" {
                sqlx::query("ROLLBACK TO batch_object").execute(&mut **tx).await?;
            }
            sqlx::query("RELEASE batch_object").execute(&mut **tx).await?;
            outcomes.push(Outcome { id, entry_number, title, result });
        }
        Ok(outcomes)
    }
}

/// Applies the change to one object through its ordinary command; whether anything changed.
async fn one(tx: &mut Tx, record: objects::ObjectRecord, change: &Change) -> CommandResult<bool> {
    let id = record.id;
    let edit = |update: &dyn Fn(&mut ObjectInput)| {
        let mut input =
            ObjectInput { fields: record.fields.clone(), makers: record.makers.clone(), events: record.events.clone() };
        update(&mut input);
        SaveObject { id, input, seen: None }
    };
    match change {
        Change::Type(code) => edit(&|i| i.fields.object_type = code.clone()).run(tx).await,
        Change::AddEvent(event) => {
            if record.events.contains(event) {
                return Ok(false);
            }
            edit(&|i| i.events.push(*event)).run(tx).await
        }
        Change::AddMaker(maker) => {
            if record.makers.contains(maker) {
                return Ok(false);
            }
            edit(&|i| i.makers.push(*maker)).run(tx).await
        }
        Change::Rights(rights) => edit(&|i| i.fields.rights = *rights).run(tx).await,
        Change::Move { location, on } => {
            let here: Option<i64> = sqlx::query_scalar(
                "SELECT location_id FROM object_movements WHERE object_id = ? ORDER BY moved_on DESC, id DESC LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
            if here == Some(*location) {
                return Ok(false);
            }
            let reason = "batch".to_owned();
            MoveObject { object: id, location: *location, on: *on, normal: true, reason }.run(tx).await.map(|()| true)
        }
        Change::Publish { pattern, year } => {
            if record.state == PubState::Published {
                return Ok(false);
            }
            let publish =
                Publish { id, consent_confirmed: false, photos_checked: false, pattern: pattern.clone(), year: *year };
            publish.run(tx).await.map(|_| true)
        }
        Change::Withdraw => {
            if record.state != PubState::Published {
                return Ok(false);
            }
            Withdraw { id }.run(tx).await.map(|()| true)
        }
        Change::Stocktake(stocktake) => ListInStocktake { stocktake: *stocktake, object: id }.run(tx).await,
        Change::Loan(loan) => AddToLoan { loan: *loan, object: id }.run(tx).await,
    }
}

//! Loans in and out (SPECTRUM 5.1): an agreement with an organisation, for an exhibition, with
//! dates, a reference, an insurance value and conditions of display, moving through requested
//! → agreed → active (out: sent; in: received) → returned, or cancelled before it starts.
//! Sending and receiving are recorded as the objects' exits and moves, through the same
//! commands as by hand, so each object's whereabouts stay whole. A loan out asks for a
//! condition report of every object at departure and at return. Private; publishing roles.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::SqliteConnection;

use super::command::{Command, CommandError, CommandResult, Tx};
use super::register::{not_future, optional_note};
use super::types::*;
use super::whereabouts::{MoveObject, RecordExit};
use crate::auth::Role;

vocabulary!(
    /// Which way a loan goes.
    Direction, "loan-direction" { In = "in", Out = "out" }
);

vocabulary!(
    /// Where a loan stands.
    LoanStatus, "loan-status" {
        Requested = "requested", Agreed = "agreed", Active = "active", Returned = "returned", Cancelled = "cancelled",
    }
);

/// A loan as the panel lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Loan {
    pub id: i64,
    pub direction: Direction,
    pub organisation_id: i64,
    pub organisation: String,
    pub event_id: Option<i64>,
    pub event: Option<String>,
    pub reference: String,
    pub starts_on: String,
    pub ends_on: String,
    pub insurance_minor: Option<i64>,
    /// The insurance value as written (`1200.50`).
    pub insurance: Option<String>,
    pub currency: String,
    pub conditions: String,
    pub status: LoanStatus,
    pub created_on: String,
    pub created_by: String,
    pub sent_on: Option<String>,
    pub returned_on: Option<String>,
    pub objects: i64,
    /// Active and past its end date.
    pub overdue: bool,
}

const LOAN_SELECT: &str = "SELECT l.id, l.direction, l.organisation_id,
        COALESCE(NULLIF(org.name_be, ''), NULLIF(org.name_en, ''), org.name_ru) AS organisation,
        l.event_id, COALESCE(NULLIF(e.name_be, ''), NULLIF(e.name_en, ''), e.name_ru) AS event,
        l.reference, l.starts_on, l.ends_on, l.insurance_minor,
        CASE WHEN l.insurance_minor IS NULL THEN NULL
             ELSE printf('%d.%02d', l.insurance_minor / 100, l.insurance_minor % 100) END AS insurance,
        l.currency, l.conditions, l.status, l.created_on, l.created_by, l.sent_on, l.returned_on,
        (SELECT COUNT(*) FROM loan_objects lo WHERE lo.loan_id = l.id) AS objects,
        (l.status = 'active' AND l.ends_on < date('now')) AS overdue
     FROM loans l JOIN organisations org ON org.id = l.organisation_id LEFT JOIN events e ON e.id = l.event_id";

/// Every loan: active ones first, then by start date, newest first.
pub async fn loans(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Loan>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LOAN_SELECT} ORDER BY l.status <> 'active', l.starts_on DESC, l.id DESC"
    )))
    .fetch_all(conn)
    .await
}

/// One loan.
pub async fn loan(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<Loan>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{LOAN_SELECT} WHERE l.id = ?"))).bind(id).fetch_optional(conn).await
}

/// Loans out now, overdue ones first: the dashboard's list.
pub async fn out_now(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Loan>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{LOAN_SELECT} WHERE l.status = 'active' ORDER BY l.ends_on, l.id")))
        .fetch_all(conn)
        .await
}

/// An object of a loan, with its latest condition report.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LoanObject {
    pub object_id: i64,
    pub entry_number: String,
    pub accession_number: Option<String>,
    pub title: String,
    pub last_checked_on: Option<String>,
    pub last_condition: Option<String>,
    /// The latest condition report's id, and the one the object left with.
    pub last_report: Option<i64>,
    pub departure_report: Option<i64>,
}

pub async fn objects(conn: &mut SqliteConnection, loan: i64) -> sqlx::Result<Vec<LoanObject>> {
    sqlx::query_as(
        "SELECT o.id AS object_id, o.entry_number, o.accession_number,
            COALESCE(NULLIF(o.title_be, ''), NULLIF(o.title_en, ''), o.title_ru) AS title,
            (SELECT c.checked_on FROM condition_reports c WHERE c.object_id = o.id
             ORDER BY c.checked_on DESC, c.id DESC LIMIT 1) AS last_checked_on,
            (SELECT c.condition FROM condition_reports c WHERE c.object_id = o.id
             ORDER BY c.checked_on DESC, c.id DESC LIMIT 1) AS last_condition,
            (SELECT c.id FROM condition_reports c WHERE c.object_id = o.id
             ORDER BY c.checked_on DESC, c.id DESC LIMIT 1) AS last_report,
            lo.departure_report
         FROM loan_objects lo JOIN objects o ON o.id = lo.object_id
         WHERE lo.loan_id = ? ORDER BY COALESCE(o.accession_number, o.entry_number)",
    )
    .bind(loan)
    .fetch_all(conn)
    .await
}

/// The audit target of a loan.
fn target(id: i64) -> String {
    format!("loan {id}")
}

/// Records a loan, requested. Publishing roles.
#[derive(Debug, Clone)]
pub struct CreateLoan {
    pub direction: Direction,
    pub organisation: i64,
    pub event: Option<i64>,
    pub reference: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub insurance: Option<(i64, Currency)>,
    pub conditions: String,
}

impl Command for CreateLoan {
    type Output = i64;

    async fn run(self, tx: &mut Tx) -> CommandResult<i64> {
        tx.require(Role::can_publish)?;
        if self.ends_on < self.starts_on {
            return Err(CommandError::Refused("loan-error-dates"));
        }
        let org: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organisations WHERE id = ?)")
            .bind(self.organisation)
            .fetch_one(&mut **tx)
            .await?;
        let event: bool = sqlx::query_scalar("SELECT ?1 IS NULL OR EXISTS (SELECT 1 FROM events WHERE id = ?1)")
            .bind(self.event)
            .fetch_one(&mut **tx)
            .await?;
        if !org || !event {
            return Err(CommandError::Refused("edit-error-choose"));
        }
        let reference = optional_note(&self.reference)?;
        let conditions = optional_note(&self.conditions)?;
        let (insurance, currency) = match &self.insurance {
            Some((minor, currency)) => (Some(*minor), currency.as_str().to_owned()),
            None => (None, String::new()),
        };
        let by = tx.actor().name.clone();
        let today = chrono::Utc::now().date_naive();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO loans (direction, organisation_id, event_id, reference, starts_on, ends_on, insurance_minor,
                currency, conditions, created_on, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(self.direction)
        .bind(self.organisation)
        .bind(self.event)
        .bind(&reference)
        .bind(self.starts_on.to_string())
        .bind(self.ends_on.to_string())
        .bind(insurance)
        .bind(&currency)
        .bind(&conditions)
        .bind(today.to_string())
        .bind(&by)
        .fetch_one(&mut **tx)
        .await?;
        let details = serde_json::json!({
            "loan": id, "direction": self.direction, "organisation": self.organisation, "event": self.event,
            "reference": reference, "starts_on": self.starts_on, "ends_on": self.ends_on,
            "insurance_minor": insurance, "currency": currency, "conditions": conditions,
        });
        tx.audit("loan-created", &target(id), details).await?;
        Ok(id)
    }
}

/// Puts object `object` on loan `loan` while the loan is still being arranged. An object is on
/// one loan at a time. Publishing roles; whether it was not on the loan already.
#[derive(Debug, Clone)]
pub struct AddToLoan {
    pub loan: i64,
    pub object: i64,
}

impl Command for AddToLoan {
    type Output = bool;

    async fn run(self, tx: &mut Tx) -> CommandResult<bool> {
        tx.require(Role::can_publish)?;
        let loan = loan(tx, self.loan).await?.ok_or(CommandError::NotFound)?;
        if !matches!(loan.status, LoanStatus::Requested | LoanStatus::Agreed) {
            return Err(CommandError::Refused("loan-error-started"));
        }
        let record = super::objects::load(tx, self.object).await?.ok_or(CommandError::NotFound)?;
        if super::register::deaccessioned(tx, self.object).await? {
            return Err(CommandError::Refused("register-error-deaccessioned"));
        }
        let busy: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM loan_objects lo JOIN loans l ON l.id = lo.loan_id
             WHERE lo.object_id = ? AND l.id <> ? AND l.status IN ('requested', 'agreed', 'active'))",
        )
        .bind(self.object)
        .bind(self.loan)
        .fetch_one(&mut **tx)
        .await?;
        if busy {
            return Err(CommandError::Refused("loan-error-on-another"));
        }
        let added = sqlx::query("INSERT OR IGNORE INTO loan_objects (loan_id, object_id) VALUES (?, ?)")
            .bind(self.loan)
            .bind(self.object)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if added == 0 {
            return Ok(false);
        }
        let details = serde_json::json!({ "id": self.object, "loan": self.loan, "direction": loan.direction });
        tx.audit(super::register::LOAN_ACTION, &record.entry_number, details).await?;
        Ok(true)
    }
}

/// A step of a loan.
#[derive(Debug, Clone)]
pub enum Step {
    /// requested → agreed.
    Agree,
    /// agreed → active: a loan out's objects leave (an exit each, due back at the loan's end);
    /// a loan in's objects arrive at `location`.
    Send { on: NaiveDate, location: Option<i64> },
    /// active → returned: a loan out's objects come back to `location`; a loan in's objects
    /// leave (an exit each).
    Return { on: NaiveDate, location: Option<i64> },
    /// requested or agreed → cancelled.
    Cancel,
}

/// Moves loan `loan` a step on. Publishing roles.
#[derive(Debug, Clone)]
pub struct AdvanceLoan {
    pub loan: i64,
    pub step: Step,
}

impl Command for AdvanceLoan {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(Role::can_publish)?;
        let loan = loan(tx, self.loan).await?.ok_or(CommandError::NotFound)?;
        let listed = objects(tx, self.loan).await?;
        let note = format!(
            "loan {}{}",
            self.loan,
            if loan.reference.is_empty() { String::new() } else { format!(" ({})", loan.reference) }
        );
        let (from, to, action): (&[LoanStatus], LoanStatus, &str) = match &self.step {
            Step::Agree => (&[LoanStatus::Requested], LoanStatus::Agreed, "loan-agreed"),
            Step::Send { .. } => (&[LoanStatus::Agreed], LoanStatus::Active, "loan-sent"),
            Step::Return { .. } => (&[LoanStatus::Active], LoanStatus::Returned, "loan-returned"),
            Step::Cancel => (&[LoanStatus::Requested, LoanStatus::Agreed], LoanStatus::Cancelled, "loan-cancelled"),
        };
        if !from.contains(&loan.status) {
            return Err(CommandError::Refused("loan-error-step"));
        }
        let mut details = serde_json::json!({ "loan": self.loan, "from": loan.status, "to": to });
        match self.step {
            Step::Agree | Step::Cancel => {}
            Step::Send { on, location } => {
                not_future(on)?;
                if listed.is_empty() {
                    return Err(CommandError::Refused("loan-error-no-objects"));
                }
                let ends_on: NaiveDate =
                    loan.ends_on.parse().map_err(|e| CommandError::Internal(anyhow::Error::new(e)))?;
                for object in &listed {
                    match loan.direction {
                        Direction::Out => {
                            // Departure: each object's condition recorded since the loan was arranged.
                            if object.last_checked_on.as_ref().is_none_or(|on| *on < loan.created_on) {
                                return Err(CommandError::Refused("loan-error-condition"));
                            }
                            sqlx::query(
                                "UPDATE loan_objects SET departure_report = ? WHERE loan_id = ? AND object_id = ?",
                            )
                            .bind(object.last_report)
                            .bind(self.loan)
                            .bind(object.object_id)
                            .execute(&mut **tx)
                            .await?;
                            let exit = RecordExit {
                                object: object.object_id,
                                kind: ExitKind::LoanOut,
                                on,
                                expected_back: Some(ends_on),
                                note: note.clone(),
                            };
                            exit.run(tx).await?;
                        }
                        Direction::In => {
                            let location = location.ok_or(CommandError::Refused("edit-error-choose"))?;
                            let arrive = MoveObject {
                                object: object.object_id,
                                location,
                                on,
                                normal: true,
                                reason: note.clone(),
                            };
                            arrive.run(tx).await?;
                        }
                    }
                }
                sqlx::query("UPDATE loans SET sent_on = ? WHERE id = ?")
                    .bind(on.to_string())
                    .bind(self.loan)
                    .execute(&mut **tx)
                    .await?;
                details["on"] = on.to_string().into();
            }
            Step::Return { on, location } => {
                not_future(on)?;
                let sent_on = loan.sent_on.clone().unwrap_or_default();
                if on.to_string() < sent_on {
                    return Err(CommandError::Refused("loan-error-dates"));
                }
                let mut not_back = Vec::new();
                for object in &listed {
                    match loan.direction {
                        // An object deaccessioned while it was out (lost, destroyed at the
                        // borrower's) does not come back with the others.
                        Direction::Out if super::register::deaccessioned(tx, object.object_id).await? => {
                            not_back.push(object.object_id);
                        }
                        Direction::Out => {
                            // Return: each object's condition checked again once it is back: its
                            // latest report is not the one it left with, and dated since it left.
                            let again = object.last_report != object.departure_report
                                && object.last_checked_on.as_ref().is_some_and(|on| *on >= sent_on);
                            if !again {
                                return Err(CommandError::Refused("loan-error-condition"));
                            }
                            let location = location.ok_or(CommandError::Refused("edit-error-choose"))?;
                            let back = MoveObject {
                                object: object.object_id,
                                location,
                                on,
                                normal: true,
                                reason: note.clone(),
                            };
                            back.run(tx).await?;
                        }
                        Direction::In => {
                            let exit = RecordExit {
                                object: object.object_id,
                                kind: ExitKind::Return,
                                on,
                                expected_back: None,
                                note: note.clone(),
                            };
                            exit.run(tx).await?;
                        }
                    }
                }
                sqlx::query("UPDATE loans SET returned_on = ? WHERE id = ?")
                    .bind(on.to_string())
                    .bind(self.loan)
                    .execute(&mut **tx)
                    .await?;
                details["on"] = on.to_string().into();
                if !not_back.is_empty() {
                    details["deaccessioned_not_back"] = not_back.into();
                }
            }
        }
        sqlx::query("UPDATE loans SET status = ? WHERE id = ?").bind(to).bind(self.loan).execute(&mut **tx).await?;
        tx.audit(action, &target(self.loan), details).await?;
        Ok(())
    }
}

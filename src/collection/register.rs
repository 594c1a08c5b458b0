//! The registrar's procedures (SPECTRUM 5.1): accessioning as its own act, deaccession,
//! condition checking and valuation. Everything here is private: no public projection,
//! export or feed reads these tables. Each procedure is a command, role-checked and audited
//! in the transaction of its change.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::SqliteConnection;

use super::command::{Command, CommandError, CommandResult, Tx};
use super::numbers::{self, AccessionNumber, AccessionPattern};
use super::types::*;
use crate::auth::Role;

vocabulary!(
    /// How a deaccessioned object leaves the collection.
    DisposalMethod, "disposal" {
        Return = "return", Transfer = "transfer", Sale = "sale", Exchange = "exchange",
        Destruction = "destruction", Loss = "loss", Other = "other",
    }
);

vocabulary!(
    /// The condition scale of a report.
    Condition, "condition" { Good = "good", Fair = "fair", Poor = "poor", Unacceptable = "unacceptable" }
);

vocabulary!(
    /// What a value was set for.
    ValuationPurpose, "valuation" { Insurance = "insurance", Acquisition = "acquisition", Market = "market" }
);

/// Longest authority, reason or note of a procedure, in characters.
pub const MAX_NOTE: usize = 2000;

/// Checks a required free text of a procedure: trimmed, not empty, not too long.
pub(crate) fn required(text: &str, key: &'static str) -> CommandResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        return Err(CommandError::Refused(key));
    }
    Ok(text.to_owned())
}

/// An optional free text: trimmed, not too long.
pub(crate) fn optional_note(text: &str) -> CommandResult<String> {
    let text = text.trim();
    if text.chars().count() > MAX_NOTE {
        return Err(CommandError::Refused("edit-error-too-long"));
    }
    Ok(text.to_owned())
}

/// A procedure's date may not lie in the future.
pub(crate) fn not_future(on: NaiveDate) -> CommandResult<()> {
    if on > chrono::Utc::now().date_naive() {
        return Err(CommandError::Refused("register-error-future"));
    }
    Ok(())
}

/// What the accession decided: when, how the object came, and who decided.
#[derive(Debug, Clone)]
pub struct AccessionAct {
    pub on: NaiveDate,
    pub method: Option<AcquisitionMethod>,
    pub authority: String,
}

/// An object's line in the accession register.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegisterLine {
    pub object_id: i64,
    pub accession_number: String,
    pub entry_number: String,
    pub title: String,
    pub state: String,
    pub accessioned_on: String,
    pub method: Option<String>,
    pub authority: String,
    pub deaccessioned_on: Option<String>,
    pub deaccession_reason: String,
    pub deaccession_authority: String,
    pub disposal_method: Option<String>,
}

const REGISTER_SELECT: &str = "SELECT o.id AS object_id, o.accession_number, o.entry_number,
        COALESCE(NULLIF(o.title_be, ''), NULLIF(o.title_en, ''), o.title_ru) AS title, o.state,
        a.accessioned_on, a.method, a.authority, a.deaccessioned_on, a.deaccession_reason,
        a.deaccession_authority, a.disposal_method
     FROM accessions a JOIN objects o ON o.id = a.object_id";

/// The object's line in the register, if it was accessioned.
pub async fn line(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<Option<RegisterLine>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{REGISTER_SELECT} WHERE a.object_id = ?")))
        .bind(object_id)
        .fetch_optional(conn)
        .await
}

/// The whole register, in the order numbers were given.
pub async fn register(conn: &mut SqliteConnection) -> sqlx::Result<Vec<RegisterLine>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{REGISTER_SELECT} ORDER BY a.accessioned_on, o.accession_number")))
        .fetch_all(conn)
        .await
}

/// Whether the object was deaccessioned.
pub async fn deaccessioned(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accessions WHERE object_id = ? AND deaccessioned_on IS NOT NULL)")
        .bind(object_id)
        .fetch_one(conn)
        .await
}

/// Enters an object in the register with the next number of `year`. The caller checks it
/// has none yet.
pub async fn enter(
    conn: &mut SqliteConnection,
    object_id: i64,
    pattern: &AccessionPattern,
    year: i32,
    act: &AccessionAct,
) -> anyhow::Result<AccessionNumber> {
    let number = numbers::next_accession_number(conn, pattern, year).await?;
    let changed = sqlx::query(
        "UPDATE objects SET accession_number = ?, updated_at = ? WHERE id = ? AND accession_number IS NULL",
    )
    .bind(&number)
    .bind(super::objects::now())
    .bind(object_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    anyhow::ensure!(changed == 1, "object {object_id} is missing or already accessioned");
    sqlx::query("INSERT INTO accessions (object_id, accessioned_on, method, authority) VALUES (?, ?, ?, ?)")
        .bind(object_id)
        .bind(act.on.to_string())
        .bind(act.method)
        .bind(&act.authority)
        .execute(&mut *conn)
        .await?;
    Ok(number)
}

/// Accessions object `id`: the decision that it belongs to the collection, whether or not it
/// is ever published. Publishing roles only. Returns the number given.
#[derive(Debug, Clone)]
pub struct Accession {
    pub id: i64,
    pub act: AccessionAct,
    pub pattern: AccessionPattern,
}

impl Command for Accession {
    type Output = AccessionNumber;

    async fn run(self, tx: &mut Tx) -> CommandResult<AccessionNumber> {
        tx.require(Role::can_publish)?;
        let record = super::objects::editable(tx, self.id).await?;
        if record.accession_number.is_some() {
            return Err(CommandError::Refused("register-error-accessioned"));
        }
        not_future(self.act.on)?;
        // The year of the date gives the number, which is never renumbered: a mistyped year
        // (1001 for 2021) would stay in the register for good.
        if record.fields.acquired_on.is_some_and(|acquired| self.act.on < acquired) {
            return Err(CommandError::Refused("register-error-before-acquisition"));
        }
        let act = AccessionAct { authority: required(&self.act.authority, "register-error-authority")?, ..self.act };
        let number = enter(tx, self.id, &self.pattern, chrono::Datelike::year(&act.on), &act).await?;
        let details = serde_json::json!({
            "id": self.id, "accession": number, "on": act.on, "method": act.method, "authority": act.authority,
        });
        tx.audit("object-accessioned", &record.entry_number, details).await?;
        Ok(number)
    }
}

/// What deaccessioning decided.
#[derive(Debug, Clone)]
pub struct Deaccession {
    pub id: i64,
    pub on: NaiveDate,
    pub reason: String,
    pub authority: String,
    pub disposal: DisposalMethod,
}

impl Command for Deaccession {
    type Output = ();

    /// The number stays in the register, marked; a published object is withdrawn with it.
    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(Role::can_publish)?;
        let record = super::objects::editable(tx, self.id).await?;
        let Some(accession) = line(tx, self.id).await? else {
            return Err(CommandError::Refused("register-error-not-accessioned"));
        };
        if accession.deaccessioned_on.is_some() {
            return Err(CommandError::Refused("register-error-deaccessioned"));
        }
        not_future(self.on)?;
        if self.on.to_string() < accession.accessioned_on {
            return Err(CommandError::Refused("register-error-before-accession"));
        }
        let reason = required(&self.reason, "register-error-reason")?;
        let authority = required(&self.authority, "register-error-authority")?;
        sqlx::query(
            "UPDATE accessions SET deaccessioned_on = ?, deaccession_reason = ?, deaccession_authority = ?,
                disposal_method = ? WHERE object_id = ?",
        )
        .bind(self.on.to_string())
        .bind(&reason)
        .bind(&authority)
        .bind(self.disposal)
        .bind(self.id)
        .execute(&mut **tx)
        .await?;
        let withdrawn = record.state == PubState::Published;
        if withdrawn {
            super::publication::set_state(tx, self.id, PubState::Withdrawn).await?;
            tx.public_changed();
        }
        let details = serde_json::json!({
            "id": self.id, "accession": record.accession_number, "on": self.on, "reason": reason,
            "authority": authority, "disposal": self.disposal, "withdrawn": withdrawn,
        });
        tx.audit("object-deaccessioned", &record.entry_number, details).await?;
        Ok(())
    }
}

/// A condition report as the editor lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConditionReport {
    pub id: i64,
    pub checked_on: String,
    pub condition: String,
    pub notes: String,
    pub checked_by: String,
    /// The report's photos, by the hash of their derivatives (staff-only addresses).
    #[sqlx(skip)]
    pub photos: Vec<String>,
}

/// An object's condition reports, newest first (the first is its current condition).
pub async fn condition_reports(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<Vec<ConditionReport>> {
    let mut reports: Vec<ConditionReport> = sqlx::query_as(
        "SELECT id, checked_on, condition, notes, checked_by FROM condition_reports
         WHERE object_id = ? ORDER BY checked_on DESC, id DESC",
    )
    .bind(object_id)
    .fetch_all(&mut *conn)
    .await?;
    for report in &mut reports {
        report.photos = sqlx::query_scalar(
            "SELECT derivatives FROM media WHERE condition_report = ? AND state = 'ready' ORDER BY id",
        )
        .bind(report.id)
        .fetch_all(&mut *conn)
        .await?;
    }
    Ok(reports)
}

/// Records a condition report on object `object`, by the acting account, with photos already
/// sanitised and stored (see [`crate::media::Pipeline::prepare`]), which stay private. Anyone
/// who may edit the object. Returns the report's id and its photos' media ids.
#[derive(Debug, Clone)]
pub struct ReportCondition {
    pub object: i64,
    pub on: NaiveDate,
    pub condition: Condition,
    pub notes: String,
    pub photos: Vec<crate::media::Stored>,
}

impl Command for ReportCondition {
    type Output = (i64, Vec<i64>);

    async fn run(self, tx: &mut Tx) -> CommandResult<(i64, Vec<i64>)> {
        let record = super::objects::editable(tx, self.object).await?;
        not_future(self.on)?;
        let notes = optional_note(&self.notes)?;
        let by = tx.actor().name.clone();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO condition_reports (object_id, checked_on, condition, notes, checked_by)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(self.object)
        .bind(self.on.to_string())
        .bind(self.condition)
        .bind(&notes)
        .bind(&by)
        .fetch_one(&mut **tx)
        .await?;
        let mut photos = Vec::with_capacity(self.photos.len());
        for stored in &self.photos {
            photos.push(crate::media::record_condition_photo(tx, self.object, id, stored).await?);
        }
        let details = serde_json::json!({
            "id": self.object, "report": id, "on": self.on, "condition": self.condition, "notes": notes,
            "photos": photos.len(),
        });
        tx.audit("condition-reported", &record.entry_number, details).await?;
        Ok((id, photos))
    }
}

/// A value of an object, as publishing roles see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Valuation {
    pub valued_on: String,
    pub amount_minor: i64,
    /// The amount as written (`1200.50`).
    pub amount: String,
    pub currency: String,
    pub purpose: String,
    pub note: String,
    pub recorded_by: String,
}

/// An object's values, newest first. Only for publishing roles: callers check.
pub async fn valuations(conn: &mut SqliteConnection, object_id: i64) -> sqlx::Result<Vec<Valuation>> {
    sqlx::query_as(
        "SELECT valued_on, amount_minor, printf('%d.%02d', amount_minor / 100, amount_minor % 100) AS amount,
            currency, purpose, note, recorded_by FROM valuations
         WHERE object_id = ? ORDER BY valued_on DESC, id DESC",
    )
    .bind(object_id)
    .fetch_all(conn)
    .await
}

/// Records a value of object `object`. Publishing roles only.
#[derive(Debug, Clone)]
pub struct Value {
    pub object: i64,
    pub on: NaiveDate,
    pub amount_minor: i64,
    pub currency: Currency,
    pub purpose: ValuationPurpose,
    pub note: String,
}

impl Command for Value {
    type Output = ();

    async fn run(self, tx: &mut Tx) -> CommandResult<()> {
        tx.require(Role::can_publish)?;
        let record = super::objects::editable(tx, self.object).await?;
        not_future(self.on)?;
        let note = optional_note(&self.note)?;
        let by = tx.actor().name.clone();
        sqlx::query(
            "INSERT INTO valuations (object_id, valued_on, amount_minor, currency, purpose, note, recorded_by)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(self.object)
        .bind(self.on.to_string())
        .bind(self.amount_minor)
        .bind(self.currency.as_str())
        .bind(self.purpose)
        .bind(&note)
        .bind(&by)
        .execute(&mut **tx)
        .await?;
        let details = serde_json::json!({
            "id": self.object, "on": self.on, "amount_minor": self.amount_minor, "currency": self.currency.as_str(),
            "purpose": self.purpose, "note": note,
        });
        tx.audit(VALUATION_ACTION, &record.entry_number, details).await?;
        Ok(())
    }
}

/// The audit action of a valuation: its entries are hidden from roles that may not see values.
pub const VALUATION_ACTION: &str = "valuation-recorded";

/// The audit action of an object put on a loan (a loan carries an insurance value): hidden
/// like valuations.
pub const LOAN_ACTION: &str = "loan-object-added";

/// An object's audit entries, oldest first: its history tab. `with_values` includes the
/// valuations' and loans' entries (publishing roles only).
pub async fn history(
    conn: &mut SqliteConnection,
    entry_number: &str,
    with_values: bool,
) -> sqlx::Result<Vec<super::audit::ListedEntry>> {
    sqlx::query_as(
        "SELECT id, at, actor, action, target, details FROM audit_log
         WHERE target = ? AND (? OR action NOT IN (?, ?)) ORDER BY id",
    )
    .bind(entry_number)
    .bind(with_values)
    .bind(VALUATION_ACTION)
    .bind(LOAN_ACTION)
    .fetch_all(conn)
    .await
}

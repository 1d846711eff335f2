//! The work list's tally: how many of its rows each regulator's agencies have, per stage and
//! period (first day, last day, due day), so a jurisdiction's counts are a sum over a few hundred
//! tally rows instead of a count of tens of thousands of period rows. Database triggers keep it,
//! so no write path (a version, a review, a new window, a jurisdiction move) can forget it.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportTally {
    Table,
    RegulatorId,
    Stage,
    PeriodStart,
    EndOn,
    DueOn,
    Periods,
}

#[derive(DeriveIden)]
enum ReportPeriod {
    Table,
    AgencyId,
}

/// The tally's key columns, in the order of its primary key.
const KEY: &str = "regulator_id, stage, period_start, end_on, due_on";

/// The statements that make the triggers on SQLite: one per event (SQLite has no trigger
/// functions). `UPDATE … FROM` needs SQLite 3.33, which the bundled library exceeds.
fn sqlite_triggers() -> Vec<String> {
    let add = |row: &str, n: &str| {
        format!(
            "INSERT INTO report_tally ({KEY}, periods) \
             SELECT o.regulator_id, {row}.stage, {row}.period_start, {row}.end_on, {row}.due_on, {n} \
             FROM organisation o WHERE o.id = {row}.agency_id AND o.kind = 'agency' AND o.regulator_id IS NOT NULL \
             ON CONFLICT ({KEY}) DO UPDATE SET periods = periods + excluded.periods;"
        )
    };
    let take = |row: &str| {
        format!(
            "UPDATE report_tally SET periods = periods - 1 WHERE regulator_id = \
             (SELECT o.regulator_id FROM organisation o WHERE o.id = {row}.agency_id AND o.kind = 'agency') \
             AND stage = {row}.stage AND period_start = {row}.period_start AND end_on = {row}.end_on \
             AND due_on = {row}.due_on;"
        )
    };
    vec![
        format!("CREATE TRIGGER report_tally_insert AFTER INSERT ON report_period BEGIN {} END", add("NEW", "1")),
        format!("CREATE TRIGGER report_tally_delete AFTER DELETE ON report_period BEGIN {} END", take("OLD")),
        format!(
            "CREATE TRIGGER report_tally_update AFTER UPDATE OF stage, agency_id, period_start, end_on, due_on \
             ON report_period BEGIN {} {} END",
            take("OLD"),
            add("NEW", "1")
        ),
        format!(
            "CREATE TRIGGER report_tally_moved AFTER UPDATE OF regulator_id ON organisation \
             WHEN NEW.kind = 'agency' AND OLD.regulator_id IS NOT NEW.regulator_id BEGIN {} {} END",
            move_out("OLD"),
            move_in("NEW", "periods + excluded.periods")
        ),
    ]
}

/// Takes an agency's rows off its former regulator's tally (`row` names the organisation's old
/// row; the same statement on both databases).
fn move_out(row: &str) -> String {
    format!(
        "UPDATE report_tally SET periods = report_tally.periods - g.n \
         FROM (SELECT stage, period_start, end_on, due_on, count(*) AS n FROM report_period \
               WHERE agency_id = {row}.id GROUP BY stage, period_start, end_on, due_on) AS g \
         WHERE report_tally.regulator_id = {row}.regulator_id AND report_tally.stage = g.stage \
         AND report_tally.period_start = g.period_start AND report_tally.end_on = g.end_on \
         AND report_tally.due_on = g.due_on;"
    )
}

/// Adds an agency's rows to its new regulator's tally.
fn move_in(row: &str, sum: &str) -> String {
    format!(
        "INSERT INTO report_tally ({KEY}, periods) \
         SELECT {row}.regulator_id, stage, period_start, end_on, due_on, count(*) FROM report_period \
         WHERE agency_id = {row}.id AND {row}.regulator_id IS NOT NULL \
         GROUP BY stage, period_start, end_on, due_on \
         ON CONFLICT ({KEY}) DO UPDATE SET periods = {sum};"
    )
}

/// The trigger functions and triggers on PostgreSQL. A row that changes stage moves two tally
/// rows; they are always locked in the order of their stage's code, so two reviews crossing in
/// one regulator cannot deadlock.
fn postgres_triggers() -> Vec<String> {
    let add = |row: &str| {
        format!(
            "INSERT INTO report_tally ({KEY}, periods) \
             SELECT o.regulator_id, {row}.stage, {row}.period_start, {row}.end_on, {row}.due_on, 1 \
             FROM organisation o WHERE o.id = {row}.agency_id AND o.kind = 'agency' AND o.regulator_id IS NOT NULL \
             ON CONFLICT ({KEY}) DO UPDATE SET periods = report_tally.periods + 1;"
        )
    };
    let take = |row: &str| {
        format!(
            "UPDATE report_tally t SET periods = t.periods - 1 FROM organisation o \
             WHERE o.id = {row}.agency_id AND o.kind = 'agency' AND t.regulator_id = o.regulator_id \
             AND t.stage = {row}.stage AND t.period_start = {row}.period_start AND t.end_on = {row}.end_on \
             AND t.due_on = {row}.due_on;"
        )
    };
    vec![
        format!(
            "CREATE FUNCTION report_tally_period() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF TG_OP = 'INSERT' THEN {add_new} \
             ELSIF TG_OP = 'DELETE' THEN {take_old} \
             ELSIF OLD.stage <= NEW.stage THEN {take_old} {add_new} \
             ELSE {add_new} {take_old} END IF; \
             RETURN NULL; END $$",
            add_new = add("NEW"),
            take_old = take("OLD"),
        ),
        "CREATE TRIGGER report_tally_period AFTER INSERT OR DELETE OR UPDATE OF stage, agency_id, period_start, \
         end_on, due_on ON report_period FOR EACH ROW EXECUTE FUNCTION report_tally_period()"
            .into(),
        format!(
            "CREATE FUNCTION report_tally_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF OLD.regulator_id IS NOT NULL THEN {} END IF; {} RETURN NULL; END $$",
            move_out("OLD"),
            move_in("NEW", "report_tally.periods + EXCLUDED.periods")
        ),
        "CREATE TRIGGER report_tally_moved AFTER UPDATE OF regulator_id ON organisation FOR EACH ROW \
         WHEN (NEW.kind = 'agency' AND OLD.regulator_id IS DISTINCT FROM NEW.regulator_id) \
         EXECUTE FUNCTION report_tally_moved()"
            .into(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ReportTally as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(uuid(T::RegulatorId))
                .col(string(T::Stage))
                .col(date(T::PeriodStart))
                .col(date(T::EndOn))
                .col(date(T::DueOn))
                .col(big_integer(T::Periods).default(0))
                .primary_key(
                    Index::create().col(T::RegulatorId).col(T::Stage).col(T::PeriodStart).col(T::EndOn).col(T::DueOn),
                )
                .to_owned(),
        )
        .await?;
        // An agency's rows (its own reach, and a jurisdiction move).
        index(m, "idx_period_agency", ReportPeriod::Table, [ReportPeriod::AgencyId], false).await?;
        let db = m.get_connection();
        let statements = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => sqlite_triggers(),
            _ => postgres_triggers(),
        };
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        // The rows already there.
        db.execute_unprepared(&format!(
            "INSERT INTO report_tally ({KEY}, periods) \
             SELECT o.regulator_id, p.stage, p.period_start, p.end_on, p.due_on, count(*) \
             FROM report_period p JOIN organisation o ON o.id = p.agency_id \
             WHERE o.kind = 'agency' AND o.regulator_id IS NOT NULL \
             GROUP BY o.regulator_id, p.stage, p.period_start, p.end_on, p.due_on"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements: &[&str] = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => &[
                "DROP TRIGGER IF EXISTS report_tally_insert",
                "DROP TRIGGER IF EXISTS report_tally_delete",
                "DROP TRIGGER IF EXISTS report_tally_update",
                "DROP TRIGGER IF EXISTS report_tally_moved",
            ],
            _ => &[
                "DROP TRIGGER IF EXISTS report_tally_period ON report_period",
                "DROP TRIGGER IF EXISTS report_tally_moved ON organisation",
                "DROP FUNCTION IF EXISTS report_tally_period()",
                "DROP FUNCTION IF EXISTS report_tally_moved()",
            ],
        };
        for s in statements {
            db.execute_unprepared(s).await?;
        }
        m.drop_index(Index::drop().name("idx_period_agency").table(ReportPeriod::Table).to_owned()).await?;
        drop_tables(m, [ReportTally::Table.into_iden()]).await
    }
}

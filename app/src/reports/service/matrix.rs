//! The regulator's matrix: agencies × periods, aggregated in SQL, one page at a time.
use super::*;

/// The regulator's matrix: agencies of its jurisdiction × the last 12 ended periods of one kind
/// and cadence, filtered, totalled and paged (or whole, for the CSV) from the cached grid.
pub async fn matrix(
    db: &DatabaseConnection,
    caches: &Caches,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &MatrixFilter,
    paged: bool,
) -> ServiceResult<Matrix> {
    let scope = reader.jurisdiction_key().ok_or(ServiceError::Forbidden)?;
    let kind = ReportKind::parse(filter.kind.trim()).unwrap_or(ReportKind::CspMonthly);
    let cadence = Cadence::parse(filter.cadence.trim()).unwrap_or(kind.usual_cadence());
    let today = date_in_zone(now, &actor.time_zone);
    // The grid depends on the jurisdiction, the kind, the day and the zone; filters and paging
    // are applied to it here, so every page and the CSV share one computation per generation.
    let key = format!("{scope}|{}|{}|{today}|{}", kind.code(), cadence.code(), actor.time_zone);
    let grid = caches
        .views
        .get_or_compute(&key, caches.generation.current(), || {
            matrix_grid(db, reader, &actor.time_zone, today, kind, cadence)
        })
        .await?;
    let needle = filter.q.trim().to_lowercase();
    let wanted = StateCode::parse(filter.state.trim());
    let tree = Tree { viewer: actor.organisation_id, grid: &grid };
    let under = match filter.under.trim() {
        "" => None,
        raw => {
            let id = Uuid::parse_str(raw).ok().filter(|id| *id != actor.organisation_id && tree.name(*id).is_some());
            Some(id.ok_or(invalid("under", Msg::ErrNotSubRegulator))?)
        }
    };
    let matching: Vec<&MatrixRow> = grid
        .rows
        .iter()
        .filter(|r| needle.is_empty() || r.agency.name.to_lowercase().contains(&needle))
        .filter(|r| wanted.is_none_or(|w| r.cells.iter().any(|c| c.state == Some(w))))
        .collect();
    let groups = tree.groups(&matching);
    let listed: Vec<&MatrixRow> =
        matching.into_iter().filter(|r| under.is_none_or(|u| tree.is_under(r.agency.id, u))).collect();
    let mut totals: Vec<BTreeMap<StateCode, u32>> = vec![BTreeMap::new(); grid.periods.len()];
    for r in &listed {
        for (i, c) in r.cells.iter().enumerate() {
            if let Some(s) = c.state {
                *totals[i].entry(s).or_default() += 1;
            }
        }
    }
    let count = listed.len() as u64;
    let per_page = if paged { MATRIX_PAGE } else { count.max(1) };
    let pages = count.div_ceil(per_page).max(1);
    let page = filter.page.trim().parse::<u64>().unwrap_or(1).clamp(1, pages);
    let rows = listed.into_iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).cloned().collect();
    Ok(Matrix {
        kind,
        cadence,
        periods: grid.periods.clone(),
        rows,
        totals: totals.into_iter().map(|m| m.into_iter().collect()).collect(),
        agencies: count,
        page,
        pages,
        groups,
        sub_regulators: tree.below(),
        under: under.and_then(|id| tree.name(id).map(|name| OrgRef { id, name })),
    })
}

/// The jurisdiction's tree as the grid knows it: which regulator each agency sits under, and
/// each regulator's parent.
struct Tree<'a> {
    viewer: Uuid,
    grid: &'a MatrixGrid,
}

impl Tree<'_> {
    fn name(&self, id: Uuid) -> Option<String> {
        self.grid.regulators.get(&id).map(|(name, _)| name.clone())
    }

    /// The regulators from the agency's own up to (not including) the viewer, nearest first.
    fn chain(&self, agency: Uuid) -> Vec<Uuid> {
        let mut out = Vec::new();
        let mut at = self.grid.regulator_of.get(&agency).copied();
        while let Some(id) = at.filter(|id| *id != self.viewer && !out.contains(id)) {
            out.push(id);
            at = self.grid.regulators.get(&id).and_then(|(_, parent)| *parent);
        }
        out
    }

    fn is_under(&self, agency: Uuid, regulator: Uuid) -> bool {
        self.chain(agency).contains(&regulator)
    }

    /// Every regulator below the viewer, by name.
    fn below(&self) -> Vec<OrgRef> {
        let mut out: Vec<OrgRef> = self
            .grid
            .regulators
            .iter()
            .filter(|(id, _)| **id != self.viewer)
            .map(|(id, (name, _))| OrgRef { id: *id, name: name.clone() })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        out
    }

    /// The agencies of `rows` by the sub-regulator directly under the viewer they sit under (the
    /// ones directly under the viewer last), with each group's cells counted by state.
    fn groups(&self, rows: &[&MatrixRow]) -> Vec<MatrixGroup> {
        let mut by: BTreeMap<Option<Uuid>, (u32, BTreeMap<StateCode, u32>)> = BTreeMap::new();
        for r in rows {
            let top = self.chain(r.agency.id).last().copied();
            let (agencies, totals) = by.entry(top).or_default();
            *agencies += 1;
            for s in r.cells.iter().filter_map(|c| c.state) {
                *totals.entry(s).or_default() += 1;
            }
        }
        let mut out: Vec<MatrixGroup> = by
            .into_iter()
            .map(|(id, (agencies, totals))| MatrixGroup {
                regulator: id.map(|id| OrgRef { id, name: self.name(id).unwrap_or_default() }),
                agencies,
                totals: totals.into_iter().collect(),
            })
            .collect();
        out.sort_by(|a, b| match (&a.regulator, &b.regulator) {
            (Some(x), Some(y)) => x.name.cmp(&y.name),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        out
    }
}

/// Every agency of a jurisdiction × the last 12 ended periods of one kind and cadence, with
/// each cell's worst state: what the matrix pages, filters and exports.
pub struct MatrixGrid {
    periods: Vec<Period>,
    /// By agency name.
    rows: Vec<MatrixRow>,
    /// Each agency's own regulator.
    regulator_of: HashMap<Uuid, Uuid>,
    /// The jurisdiction's regulators: name and parent.
    regulators: HashMap<Uuid, (String, Option<Uuid>)>,
}

/// The grid in one query: obligations × periods × submissions aggregated per agency and period
/// in the database; agencies without obligations of the kind come with empty rows.
async fn matrix_grid(
    db: &DatabaseConnection,
    reader: &ReportReader,
    zone: &str,
    today: Date,
    kind: ReportKind,
    cadence: Cadence,
) -> ServiceResult<MatrixGrid> {
    let agencies_cond = reader.jurisdiction_agencies().ok_or(ServiceError::Forbidden)?;
    let mut periods = rules::last_ended(cadence, today, 12);
    // Columns begin with the first period any obligation of the kind ran in: a yearly view
    // shows the years reports were owed, not twelve years of nothing.
    let earliest: Option<Option<Date>> = reader
        .obligations()
        .select_only()
        .expr(sea_orm::sea_query::Func::min(Expr::col(obligation::Column::FirstPeriod)))
        .filter(obligation::Column::Kind.eq(kind.code()))
        .filter(obligation::Column::Cadence.eq(cadence.code()))
        .into_tuple()
        .one(db)
        .await?;
    if let Some(Some(first)) = earliest {
        periods.retain(|p| rules::end(*p) >= first);
    }
    let backend = db.get_database_backend();
    // The due days in use for this kind: the slots table needs one row per period and due day.
    let due_days: Vec<i16> = reader
        .obligations()
        .select_only()
        .column(obligation::Column::DueDay)
        .distinct()
        .filter(obligation::Column::Kind.eq(kind.code()))
        .filter(obligation::Column::Cadence.eq(cadence.code()))
        .into_tuple()
        .all(db)
        .await?;
    let agency_ids = Query::select()
        .column((organisation::Entity, organisation::Column::Id))
        .from(organisation::Entity)
        .cond_where(agencies_cond)
        .to_owned();
    // Two queries merged here rather than one outer join: SQLite would rescan the grouped cells
    // once per agency (no index on a materialised subquery), seconds at 2,000 agencies.
    let agencies: Vec<(Uuid, String, Option<Uuid>)> = reader
        .agencies()
        .ok_or(ServiceError::Forbidden)?
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .column(organisation::Column::RegulatorId)
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let regulators: HashMap<Uuid, (String, Option<Uuid>)> = reader
        .jurisdiction_regulators()
        .ok_or(ServiceError::Forbidden)?
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .column(organisation::Column::RegulatorId)
        .into_tuple::<(Uuid, String, Option<Uuid>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, parent)| (id, (name, parent)))
        .collect();
    let regulator_of: HashMap<Uuid, Uuid> =
        agencies.iter().filter_map(|(id, _, regulator)| regulator.map(|r| (*id, r))).collect();
    let empty = vec![MatrixCell { state: None, count: 0, submission_id: None }; periods.len()];
    let mut cells: HashMap<Uuid, Vec<MatrixCell>> = HashMap::new();
    if !due_days.is_empty() {
        let sql = MatrixSql { backend, slots: matrix_slots(&periods, &due_days, today, zone), kind, cadence };
        for r in db.query_all(&sql.grouped(agency_ids)).await? {
            let id: Uuid = r.try_get("", "agency_id")?;
            let idx: i32 = r.try_get("", "idx")?;
            let sev: i32 = r.try_get("", "sev")?;
            let n: i64 = r.try_get("", "n")?;
            // PostgreSQL has no MIN over uuid: the id comes as text there.
            let submission = match backend {
                DbBackend::Postgres => {
                    r.try_get::<Option<String>>("", "submission_id")?.and_then(|s| Uuid::parse_str(&s).ok())
                }
                _ => r.try_get::<Option<Uuid>>("", "submission_id")?,
            };
            let row = cells.entry(id).or_insert_with(|| empty.clone());
            if let (Some(cell), Some(state)) = (row.get_mut(idx as usize), StateCode::from_severity(sev as u8)) {
                *cell = MatrixCell {
                    state: Some(state),
                    count: n as u32,
                    submission_id: if n == 1 { submission } else { None },
                };
            }
        }
    }
    let rows = agencies
        .into_iter()
        .map(|(id, name, _)| MatrixRow {
            cells: cells.remove(&id).unwrap_or_else(|| empty.clone()),
            agency: OrgRef { id, name },
        })
        .collect();
    Ok(MatrixGrid { periods, rows, regulator_of, regulators })
}

/// One slot per (period, due day in use): the period's index in the matrix, its first day, the
/// due day, the severity of the cell when nothing was sent (due or overdue, as of `today`), and
/// the instant from which a first version counts as late (the start of the day after the due
/// date, in the viewer's zone).
type Slot = (i32, Date, i16, i32, OffsetDateTime);

fn matrix_slots(periods: &[Period], due_days: &[i16], today: Date, zone: &str) -> Vec<Slot> {
    let mut out = Vec::with_capacity(periods.len() * due_days.len());
    for (i, p) in periods.iter().enumerate() {
        for &d in due_days {
            let day = d.clamp(1, 31) as u8;
            let unsent = rules::period_state(*p, day, today, None).code().severity();
            let due = rules::due_date(*p, day);
            let late_from = start_of_day_in_zone(due.next_day().unwrap_or(due), zone);
            out.push((i as i32, rules::start(*p), d, i32::from(unsent), late_from));
        }
    }
    out
}

/// The matrix's join: the obligations of one kind and cadence about the jurisdiction's agencies
/// (the policy's own condition, so nothing outside the reader's reach) × the slots × their
/// submissions, each row with its severity.
struct MatrixSql {
    backend: DbBackend,
    slots: Vec<Slot>,
    kind: ReportKind,
    cadence: Cadence,
}

impl MatrixSql {
    /// Severity of one obligation's period: the slot's when nothing was sent, else from the
    /// submission's status (accepted splits on whether the first version came late).
    fn severity(&self) -> Expr {
        use sea_orm::sea_query::ExprTrait;
        let status = || Expr::col((submission::Entity, submission::Column::Status));
        let first = Expr::col((submission::Entity, submission::Column::FirstSubmittedAt));
        let late_from = Expr::col(("s", "column5"));
        // SQLite keeps instants as RFC 3339 text, whose fractions do not sort as text does;
        // sea-query's SQLite placeholders in custom expressions are unnumbered.
        let late = match self.backend {
            DbBackend::Sqlite => Expr::cust_with_exprs("julianday(?) >= julianday(?)", [first, late_from]),
            _ => first.gte(late_from),
        };
        Expr::case(Expr::col((submission::Entity, submission::Column::Id)).is_null(), Expr::col(("s", "column4")))
            .case(status().eq(SubmissionStatus::Submitted.code()), i32::from(StateCode::Submitted.severity()))
            .case(status().eq(SubmissionStatus::Returned.code()), i32::from(StateCode::Returned.severity()))
            .case(late, i32::from(StateCode::AcceptedLate.severity()))
            .finally(i32::from(StateCode::Accepted.severity()))
            .into()
    }

    /// One row per obligation and period of the agencies `agency_ids` selects: agency_id, idx,
    /// sev, submission_id.
    fn rows(&self, agency_ids: SelectStatement) -> SelectStatement {
        use sea_orm::sea_query::ExprTrait;
        let ob = |c: obligation::Column| Expr::col((obligation::Entity, c));
        let slot = |c: &'static str| Expr::col(("s", c));
        Query::select()
            .expr_as(ob(obligation::Column::AgencyId), "agency_id")
            .expr_as(slot("column1"), "idx")
            .expr_as(self.severity(), "sev")
            .expr_as(Expr::col((submission::Entity, submission::Column::Id)), "submission_id")
            .from(obligation::Entity)
            .join(
                JoinType::InnerJoin,
                TableRef::ValuesList(self.slots.iter().map(|s| (*s).into_value_tuple()).collect(), "s".into_iden()),
                Condition::all()
                    .add(slot("column3").eq(ob(obligation::Column::DueDay)))
                    .add(slot("column2").gte(ob(obligation::Column::FirstPeriod)))
                    .add(
                        Condition::any()
                            .add(ob(obligation::Column::LastPeriod).is_null())
                            .add(slot("column2").lte(ob(obligation::Column::LastPeriod))),
                    ),
            )
            .left_join(
                submission::Entity,
                Condition::all()
                    .add(
                        Expr::col((submission::Entity, submission::Column::ObligationId))
                            .equals((obligation::Entity, obligation::Column::Id)),
                    )
                    .add(Expr::col((submission::Entity, submission::Column::PeriodStart)).equals(("s", "column2"))),
            )
            .and_where(ob(obligation::Column::Kind).eq(self.kind.code()))
            .and_where(ob(obligation::Column::Cadence).eq(self.cadence.code()))
            .and_where(ob(obligation::Column::AgencyId).in_subquery(agency_ids))
            .to_owned()
    }

    /// One row per agency and period: agency_id, idx, the worst severity (sev), how many
    /// obligations (n), and a submission id (the only one when n is 1).
    fn grouped(&self, agency_ids: SelectStatement) -> SelectStatement {
        use sea_orm::sea_query::ExprTrait;
        let submission = match self.backend {
            DbBackend::Postgres => Expr::cust("MIN(CAST(\"r\".\"submission_id\" AS TEXT))"),
            _ => Expr::col(("r", "submission_id")).min(),
        };
        Query::select()
            .column(("r", "agency_id"))
            .column(("r", "idx"))
            .expr_as(Expr::col(("r", "sev")).max(), "sev")
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .expr_as(submission, "submission_id")
            .from_subquery(self.rows(agency_ids), "r")
            .group_by_col(("r", "agency_id"))
            .group_by_col(("r", "idx"))
            .to_owned()
    }
}

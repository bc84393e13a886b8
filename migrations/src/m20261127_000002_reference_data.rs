//! Reference data as of November 2026 (DOMAIN.md §1, §3, §4, §9): Peru's
//! departments, the sectors of the mechanism, the catalogue of measures,
//! the national holiday rules, the public-sector non-working days decreed
//! since 2021 and the default deadline rules. All of it stays editable.

use chrono::NaiveDate;
use sea_orm_migration::prelude::*;

use crate::seed::insert_rows;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000002_reference_data"
    }
}

const DEPARTMENTS: [(&str, &str); 25] = [
    ("01", "Amazonas"),
    ("02", "Áncash"),
    ("03", "Apurímac"),
    ("04", "Arequipa"),
    ("05", "Ayacucho"),
    ("06", "Cajamarca"),
    ("07", "Callao"),
    ("08", "Cusco"),
    ("09", "Huancavelica"),
    ("10", "Huánuco"),
    ("11", "Ica"),
    ("12", "Junín"),
    ("13", "La Libertad"),
    ("14", "Lambayeque"),
    ("15", "Lima"),
    ("16", "Loreto"),
    ("17", "Madre de Dios"),
    ("18", "Moquegua"),
    ("19", "Pasco"),
    ("20", "Piura"),
    ("21", "Puno"),
    ("22", "San Martín"),
    ("23", "Tacna"),
    ("24", "Tumbes"),
    ("25", "Ucayali"),
];

const SECTORS: [(&str, &str); 9] = [
    ("MINJUSDH", "Ministerio de Justicia y Derechos Humanos"),
    ("MININTER", "Ministerio del Interior"),
    ("MINAM", "Ministerio del Ambiente"),
    ("MINCU", "Ministerio de Cultura"),
    ("MIMP", "Ministerio de la Mujer y Poblaciones Vulnerables"),
    ("RREE", "Ministerio de Relaciones Exteriores"),
    ("MINEM", "Ministerio de Energía y Minas"),
    ("MIDAGRI", "Ministerio de Desarrollo Agrario y Riego"),
    ("DEVIDA", "Comisión Nacional para el Desarrollo y Vida sin Drogas"),
];

/// Code, name, kind (PROTECTION, URGENT, CROSS_CUTTING), usual sector.
const MEASURE_TYPES: [(&str, &str, &str, &str); 13] = [
    ("POLICE_PATROLS", "Patrullajes policiales", "PROTECTION", "MININTER"),
    ("PERSONAL_GUARANTEES", "Garantías personales", "PROTECTION", "MININTER"),
    ("LEGAL_AID", "Asistencia legal", "PROTECTION", "MINJUSDH"),
    ("PUBLIC_SUPPORT_STATEMENT", "Pronunciamiento público de respaldo", "PROTECTION", "MINJUSDH"),
    ("CARE_FOR_WOMEN_VICTIMS", "Atención integral a mujeres víctimas de violencia", "PROTECTION", "MIMP"),
    ("SPECIAL_VISA", "Visa especial para personas defensoras extranjeras", "PROTECTION", "RREE"),
    ("RESIDENCE_PERMIT", "Calidad migratoria de residente", "PROTECTION", "MININTER"),
    ("CONSULAR_ASSISTANCE", "Asistencia consular a personas defensoras en el exterior", "PROTECTION", "RREE"),
    ("ENVIRONMENTAL_SUPERVISION", "Estudios de impacto y supervisión ambiental", "PROTECTION", "MINAM"),
    ("ENVIRONMENTAL_CRIME_PROSECUTION", "Persecución de delitos ambientales", "PROTECTION", "MINAM"),
    ("EVACUATION", "Evacuación de la zona de riesgo", "URGENT", "MININTER"),
    ("POLICE_PROTECTION", "Protección policial de la persona o de sus bienes", "URGENT", "MININTER"),
    ("INTERCULTURAL_SUPPORT", "Intérprete y acompañamiento intercultural", "CROSS_CUTTING", "MINCU"),
];

const DL_713: &str = "Decreto Legislativo 713";

/// Name, month, day (fixed date) or Easter offset, first year, legal basis.
enum When {
    Fixed(i32, i32),
    Easter(i32),
}

const HOLIDAYS: [(&str, When, Option<i32>, &str); 16] = [
    ("Año Nuevo", When::Fixed(1, 1), None, DL_713),
    ("Jueves Santo", When::Easter(-3), None, DL_713),
    ("Viernes Santo", When::Easter(-2), None, DL_713),
    ("Día del Trabajo", When::Fixed(5, 1), None, DL_713),
    ("Batalla de Arica y Día de la Bandera", When::Fixed(6, 7), Some(2024), "Ley 31788"),
    ("San Pedro y San Pablo", When::Fixed(6, 29), None, DL_713),
    ("Día de la Fuerza Aérea del Perú", When::Fixed(7, 23), Some(2023), "Ley 31822"),
    ("Fiestas Patrias", When::Fixed(7, 28), None, DL_713),
    ("Fiestas Patrias", When::Fixed(7, 29), None, DL_713),
    ("Batalla de Junín", When::Fixed(8, 6), Some(2022), "Ley 31530"),
    ("Santa Rosa de Lima", When::Fixed(8, 30), None, DL_713),
    ("Combate de Angamos", When::Fixed(10, 8), None, DL_713),
    ("Todos los Santos", When::Fixed(11, 1), None, DL_713),
    ("Inmaculada Concepción", When::Fixed(12, 8), None, DL_713),
    ("Batalla de Ayacucho", When::Fixed(12, 9), Some(2022), "Ley 31530"),
    ("Navidad", When::Fixed(12, 25), None, DL_713),
];

/// Public-sector non-working days by decree (DOMAIN.md §4): date, the
/// departments it is limited to (none: national), legal basis.
const NON_WORKING_DAYS: [(&str, &[&str], &str); 30] = [
    ("2021-10-11", &[], "DS 161-2021-PCM"),
    ("2021-11-02", &[], "DS 161-2021-PCM"),
    ("2021-12-24", &[], "DS 161-2021-PCM"),
    ("2021-12-27", &[], "DS 161-2021-PCM"),
    ("2021-12-31", &[], "DS 161-2021-PCM"),
    ("2022-01-03", &[], "DS 161-2021-PCM"),
    ("2022-05-02", &[], "DS 033-2022-PCM"),
    ("2022-06-24", &[], "DS 033-2022-PCM"),
    ("2022-08-29", &[], "DS 033-2022-PCM"),
    ("2022-10-07", &[], "DS 033-2022-PCM"),
    ("2022-10-31", &[], "DS 033-2022-PCM"),
    ("2022-12-26", &[], "DS 033-2022-PCM"),
    ("2022-12-30", &[], "DS 033-2022-PCM"),
    ("2023-01-02", &[], "DS 151-2022-PCM"),
    ("2023-04-28", &[], "DS 151-2022-PCM"),
    ("2023-06-30", &[], "DS 151-2022-PCM"),
    ("2023-07-27", &[], "DS 151-2022-PCM"),
    ("2023-10-09", &[], "DS 151-2022-PCM"),
    ("2023-12-07", &[], "DS 151-2022-PCM"),
    ("2023-12-26", &[], "DS 151-2022-PCM"),
    ("2024-01-02", &[], "DS 151-2022-PCM"),
    ("2024-07-26", &[], "DS 011-2024-PCM"),
    ("2024-10-07", &[], "DS 011-2024-PCM"),
    ("2024-12-06", &[], "DS 011-2024-PCM"),
    ("2024-12-23", &[], "DS 011-2024-PCM"),
    ("2024-12-24", &[], "DS 011-2024-PCM"),
    ("2024-12-30", &[], "DS 011-2024-PCM"),
    ("2024-12-31", &[], "DS 011-2024-PCM"),
    ("2024-11-14", &["15", "07"], "DS 110-2024-PCM"),
    ("2024-11-15", &["15", "07"], "DS 110-2024-PCM"),
];

/// The decree days that did not fit the table above's shape (one line per
/// date): DS 110-2024-PCM's third day and DS 042-2025-PCM.
const MORE_NON_WORKING_DAYS: [(&str, &[&str], &str); 4] = [
    ("2024-11-16", &["15", "07"], "DS 110-2024-PCM"),
    ("2025-05-02", &[], "DS 042-2025-PCM"),
    ("2025-12-26", &[], "DS 042-2025-PCM"),
    ("2026-01-02", &[], "DS 042-2025-PCM"),
];

/// Kind, track (None: both), working days, start event, owner.
const DEADLINE_RULES: [(&str, Option<&str>, i32, &str, &str); 7] = [
    ("DECISION", Some("ORDINARY"), 30, "ADMISSION", "OFFICER"),
    ("DECISION", Some("URGENT"), 15, "ADMISSION", "OFFICER"),
    ("INFORMATION_ANSWER", None, 10, "INFORMATION_REQUEST", "REQUESTER"),
    ("MEASURE_ACKNOWLEDGEMENT", Some("ORDINARY"), 3, "MEASURE_NOTIFICATION", "COORDINATOR"),
    ("MEASURE_ACKNOWLEDGEMENT", Some("URGENT"), 1, "MEASURE_NOTIFICATION", "COORDINATOR"),
    ("MEASURE_IMPLEMENTATION", Some("ORDINARY"), 15, "MEASURE_NOTIFICATION", "COORDINATOR"),
    ("MEASURE_IMPLEMENTATION", Some("URGENT"), 3, "MEASURE_NOTIFICATION", "COORDINATOR"),
];

fn day(iso: &str) -> Result<NaiveDate, DbErr> {
    iso.parse().map_err(|_| DbErr::Migration(format!("bad seed date {iso}")))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let rows = DEPARTMENTS.iter().map(|(code, name)| vec![(*code).into(), (*name).into()]).collect();
        insert_rows(m, "departments", &["code", "name"], rows).await?;

        let rows = SECTORS.iter().map(|(code, name)| vec![(*code).into(), (*name).into(), true.into()]).collect();
        insert_rows(m, "sectors", &["code", "name", "active"], rows).await?;

        let rows = MEASURE_TYPES
            .iter()
            .map(|(code, name, kind, sector)| {
                vec![(*code).into(), (*name).into(), (*kind).into(), (*sector).into(), true.into()]
            })
            .collect();
        insert_rows(m, "measure_types", &["code", "name", "kind", "default_sector_code", "active"], rows).await?;

        let rows = HOLIDAYS
            .iter()
            .map(|(name, when, from_year, basis)| {
                let (month, day, easter) = match when {
                    When::Fixed(month, day) => (Some(*month), Some(*day), None),
                    When::Easter(offset) => (None, None, Some(*offset)),
                };
                vec![
                    (*name).into(),
                    month.into(),
                    day.into(),
                    easter.into(),
                    (*from_year).into(),
                    Option::<i32>::None.into(),
                    (*basis).into(),
                ]
            })
            .collect();
        let columns = ["name", "month", "day", "easter_offset", "from_year", "until_year", "legal_basis"];
        insert_rows(m, "holiday_rules", &columns, rows).await?;

        let mut rows = Vec::new();
        for (iso, departments, basis) in NON_WORKING_DAYS.iter().chain(MORE_NON_WORKING_DAYS.iter()) {
            let date = day(iso)?;
            if departments.is_empty() {
                rows.push(vec![date.into(), Option::<String>::None.into(), (*basis).into()]);
            }
            for department in *departments {
                rows.push(vec![date.into(), Some((*department).to_owned()).into(), (*basis).into()]);
            }
        }
        insert_rows(m, "non_working_days", &["day", "department_code", "legal_basis"], rows).await?;

        insert_rows(m, "calendar_state", &["id", "version"], vec![vec![1.into(), 1_i64.into()]]).await?;

        let rows = DEADLINE_RULES
            .iter()
            .map(|(kind, track, amount, start, owner)| {
                vec![
                    (*kind).into(),
                    track.map(str::to_owned).into(),
                    (*amount).into(),
                    "WORKING_DAYS".into(),
                    (*start).into(),
                    (*owner).into(),
                ]
            })
            .collect();
        let columns = ["kind", "track", "amount", "unit", "start_event", "owner"];
        insert_rows(m, "deadline_rules", &columns, rows).await?;
        Ok(())
    }
}

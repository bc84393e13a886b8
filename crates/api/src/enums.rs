//! The API's own enums, mirroring the domain's closed lists. `remote`
//! makes async-graphql generate the conversions both ways, so a variant
//! added in the domain fails to compile here until the contract decides.

macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident = $remote:literal { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(remote = $remote)]
        pub(crate) enum $name { $($(#[$vmeta])* $variant,)+ }
    };
}

mirror!(
    /// Where a request stands in the procedure.
    CaseStatus = "domain::workflow::CaseStatus" {
        Received, UnderReview, InformationRequested, NotAdmitted, Referred, Admitted, RiskAssessed,
        ResolutionIssued, MeasuresInImplementation, FollowUp, Archived,
    }
);
mirror!(
    /// ORDINARY (30 working days) or URGENT (15, imminent risk).
    Track = "domain::workflow::Track" { Ordinary, Urgent }
);
mirror!(RiskLevel = "domain::workflow::RiskLevel" { Low, Medium, High, Extreme });
mirror!(
    /// Where a granted measure stands with its sector.
    MeasureStatus = "domain::workflow::MeasureStatus" {
        Granted, Notified, Acknowledged, Implemented, NotFeasible, Modified, Extended, Lifted,
    }
);
mirror!(
    /// How a request reached the Directorate-General.
    Channel = "domain::categories::Channel" { Web, Email, Phone, InPerson, Referral }
);
mirror!(
    DefenderCategory = "domain::categories::DefenderCategory" {
        Environmental, Indigenous, LandAndTerritory, WomensRights, Lgbti, Journalist, TradeUnionist,
        JusticeOperator, Other,
    }
);
mirror!(
    AggressionType = "domain::categories::AggressionType" {
        Threat, PhysicalAggression, VerbalAggression, Harassment, Intimidation, Stigmatisation, DamageToImage,
        Criminalisation, Surveillance, DamageToProperty, ForcedDisplacement, DigitalAttack, AttemptedKilling,
        Killing, Other,
    }
);
mirror!(
    /// Who is alleged to be behind the aggression.
    AggressorType = "domain::categories::AggressorType" {
        StateAgent, Company, IllegalMining, IllegalLogging, DrugTrafficking, LandTraffickers, Individual,
        Unknown, Other,
    }
);
mirror!(
    Language = "domain::categories::Language" {
        Spanish, Quechua, Aymara, Ashaninka, Awajun, ShipiboKonibo, OtherAmazonian, Other,
    }
);
mirror!(Gender = "domain::categories::Gender" { Female, Male, NonBinary, Undisclosed });
mirror!(
    CollectiveKind = "domain::categories::CollectiveKind" {
        IndigenousCommunity, PeasantCommunity, Organisation, LegalPerson, Group,
    }
);
mirror!(IdDocumentKind = "domain::categories::IdDocumentKind" { Dni, ForeignerCard, Passport, Other });
mirror!(
    /// How a third-party requester knows the people to protect.
    Relationship = "domain::categories::Relationship" {
        Family, Colleague, Organisation, CommunityMember, Lawyer, PublicInstitution, Other,
    }
);
mirror!(
    /// GIVEN, REFUSED, or UNABLE (with a reason) to consent.
    ConsentStatus = "domain::request::ConsentStatus" { Given, Refused, Unable }
);
mirror!(
    /// The admissibility criteria: (a)–(d) of the procedure and the two the
    /// 2019 protocol implies.
    Criterion = "domain::workflow::Criterion" {
        PersonIdentifiedAndLocated, Consent, FactsRelated, MeasureIndicated, IsDefender, RiskLinkedToDefence,
    }
);
mirror!(
    ArchiveReason = "domain::workflow::ArchiveReason" {
        Concluded, ConsentWithdrawn, RequestWithdrawn, Duplicate, NotAdmitted, Referred,
    }
);
mirror!(
    /// What a live event is about.
    LiveEventKind = "db::LiveEventKind" {
        RequestReceived, CaseChanged, MeasureChanged, DeadlineMoved, DeadlineDueSoon, DeadlineOverdue,
    }
);
mirror!(
    DeadlineKind = "domain::deadline::DeadlineKind" {
        Decision, InformationAnswer, MeasureAcknowledgement, MeasureImplementation,
    }
);
mirror!(
    /// The event a deadline is counted from.
    StartEvent = "domain::deadline::StartEvent" {
        Receipt, Admission, RiskAssessment, InformationRequest, MeasureNotification,
    }
);

mirror!(
    /// What an e-mail was.
    DeliveryKind = "db::DeliveryKind" { Notice, Reminder, Cancel }
);
mirror!(
    /// Where an e-mail stands.
    DeliveryStatus = "db::DeliveryStatus" { Pending, Sent, Cancelled, Expired, Dead }
);

/// The roles of staff accounts.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub(crate) enum StaffRole {
    Officer,
    Supervisor,
    Coordinator,
    Admin,
    Auditor,
}

impl From<StaffRole> for domain::roles::Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Officer => Self::Officer,
            StaffRole::Supervisor => Self::Supervisor,
            StaffRole::Coordinator => Self::Coordinator,
            StaffRole::Admin => Self::Admin,
            StaffRole::Auditor => Self::Auditor,
        }
    }
}

impl StaffRole {
    /// `None` for the roles that are not staff accounts.
    pub(crate) fn from_role(role: domain::roles::Role) -> Option<Self> {
        use domain::roles::Role;
        match role {
            Role::Officer => Some(Self::Officer),
            Role::Supervisor => Some(Self::Supervisor),
            Role::Coordinator => Some(Self::Coordinator),
            Role::Admin => Some(Self::Admin),
            Role::Auditor => Some(Self::Auditor),
            Role::Public | Role::System => None,
        }
    }
}

/// Where a deadline stands.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub(crate) enum DeadlineStatus {
    Open,
    /// The clock stopped (information requested).
    Suspended,
    Met,
    Lapsed,
    Cancelled,
}

impl From<domain::deadline::DeadlineStatus> for DeadlineStatus {
    fn from(status: domain::deadline::DeadlineStatus) -> Self {
        use domain::deadline::DeadlineStatus as S;
        match status {
            S::Open => Self::Open,
            S::Suspended { .. } => Self::Suspended,
            S::Met { .. } => Self::Met,
            S::Lapsed { .. } => Self::Lapsed,
            S::Cancelled { .. } => Self::Cancelled,
        }
    }
}

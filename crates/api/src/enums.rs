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
    /// Where a request stands in the procedure (DOMAIN.md §2); `statusLabel`
    /// gives the Spanish label.
    CaseStatus = "domain::workflow::CaseStatus" {
        /// Filed and given a file number; no one has started reviewing it.
        Received,
        /// An officer is assessing its admissibility (*calificación*).
        UnderReview,
        /// The requester was asked to complete the request (*subsanación*); the
        /// decision clock is suspended until the answer or the end of the answer
        /// period.
        InformationRequested,
        /// Not admitted: some admissibility criteria failed (final).
        NotAdmitted,
        /// Sent to the competent entity, e.g. the Ombudsman or a prosecutor
        /// (final).
        Referred,
        /// Admitted; the risk is still to be assessed.
        Admitted,
        /// Risk assessed and track set; the resolution is still to be issued.
        RiskAssessed,
        /// The resolution granting or denying measures is issued; no measure has
        /// been notified to its sector yet.
        ResolutionIssued,
        /// Measures are notified and at least one is still owed by the DGDH or
        /// its sector.
        MeasuresInImplementation,
        /// No measure is pending any more (implemented, not feasible, extended or
        /// lifted); the DGDH follows the case up.
        FollowUp,
        /// Closed with an archive reason; kept for the registry.
        Archived,
    }
);
mirror!(
    /// The procedure a request follows once its risk is assessed; it sets the
    /// decision deadline. Until the first assessment a case is on the ordinary
    /// track.
    Track = "domain::workflow::Track" {
        /// Ordinary: measures within 30 working days.
        Ordinary,
        /// Extraordinary (*extraordinaria*): imminent risk to life or integrity;
        /// urgent measures within 15 working days.
        Urgent,
    }
);
mirror!(
    /// The level of risk an officer found when assessing it.
    RiskLevel = "domain::workflow::RiskLevel" {
        /// Low risk.
        Low,
        /// Medium risk.
        Medium,
        /// High risk.
        High,
        /// Extreme risk.
        Extreme,
    }
);
mirror!(
    /// Where a granted measure stands with its sector; `statusLabel` gives the
    /// Spanish label.
    MeasureStatus = "domain::workflow::MeasureStatus" {
        /// Granted by the resolution, not yet notified to its sector.
        Granted,
        /// Notified to the sector's coordinators, awaiting their acknowledgement.
        Notified,
        /// The sector acknowledged receipt and is carrying it out.
        Acknowledged,
        /// The sector reported it carried out.
        Implemented,
        /// The sector reported it cannot be carried out, with its reasons.
        NotFeasible,
        /// Changed by a new act; to be notified to the sector again.
        Modified,
        /// Kept in force by a new act until `extendedUntil`.
        Extended,
        /// Ended by a new act; no longer in force.
        Lifted,
    }
);
mirror!(
    /// How a request reached the Directorate-General.
    Channel = "domain::categories::Channel" {
        /// Filed online by the requester (`submitRequest`).
        Web,
        /// Received by e-mail and registered by staff.
        Email,
        /// Received by phone and registered by staff.
        Phone,
        /// Brought in person and registered by staff.
        InPerson,
        /// Referred by another entity (the Ombudsman, a sector, an NGO).
        Referral,
        /// Sent over OpenRosa from ODK Collect with an app token.
        OdkCollect,
        /// Sent over OpenRosa from Tella (Android) with an app token.
        Tella,
    }
);
mirror!(
    /// What the defender defends: a dimension of the registry of risk
    /// situations (DOMAIN.md §5).
    DefenderCategory = "domain::categories::DefenderCategory" {
        /// Defence of the environment.
        Environmental,
        /// Defence of indigenous peoples.
        Indigenous,
        /// Defence of land and territory.
        LandAndTerritory,
        /// Defence of women's rights.
        WomensRights,
        /// Defence of the rights of LGBTI people.
        Lgbti,
        /// Journalism and communication.
        Journalist,
        /// Trade unionism.
        TradeUnionist,
        /// A justice operator (judge, prosecutor, public defender…).
        JusticeOperator,
        /// None of the above; described in `defenderCategoryDetail`.
        Other,
    }
);
mirror!(
    /// A kind of aggression suffered: a dimension of the registry of risk
    /// situations (DOMAIN.md §5).
    AggressionType = "domain::categories::AggressionType" {
        /// A threat.
        Threat,
        /// Physical aggression.
        PhysicalAggression,
        /// Verbal aggression.
        VerbalAggression,
        /// Harassment (*hostigamiento*).
        Harassment,
        /// Intimidation.
        Intimidation,
        /// Stigmatisation.
        Stigmatisation,
        /// Damage to the person's image or reputation.
        DamageToImage,
        /// Criminalisation: misuse of criminal or legal proceedings against the
        /// defender.
        Criminalisation,
        /// Being followed or watched.
        Surveillance,
        /// Damage to property.
        DamageToProperty,
        /// Forced displacement.
        ForcedDisplacement,
        /// A digital attack (hacked accounts, online harassment…).
        DigitalAttack,
        /// An attempt on the person's life.
        AttemptedKilling,
        /// A killing.
        Killing,
        /// Another kind of aggression.
        Other,
    }
);
mirror!(
    /// Who is alleged to be behind the aggression: a dimension of the registry
    /// of risk situations.
    AggressorType = "domain::categories::AggressorType" {
        /// An agent of the State.
        StateAgent,
        /// A company.
        Company,
        /// Illegal mining.
        IllegalMining,
        /// Illegal logging.
        IllegalLogging,
        /// Drug trafficking.
        DrugTrafficking,
        /// Land traffickers (*traficantes de terrenos*).
        LandTraffickers,
        /// A private individual.
        Individual,
        /// Not known.
        Unknown,
        /// Another kind of aggressor.
        Other,
    }
);
mirror!(
    /// The language the defender speaks (DOMAIN.md §8), to plan contact and
    /// interpreters.
    Language = "domain::categories::Language" {
        /// Spanish (*castellano*).
        Spanish,
        /// Quechua.
        Quechua,
        /// Aymara.
        Aymara,
        /// Asháninka, an Amazonian language.
        Ashaninka,
        /// Awajún, an Amazonian language.
        Awajun,
        /// Shipibo-Konibo, an Amazonian language.
        ShipiboKonibo,
        /// Another Amazonian language, named in `languageDetail`.
        OtherAmazonian,
        /// Another language, named in `languageDetail`.
        Other,
    }
);
mirror!(
    /// A person's gender, as they state it.
    Gender = "domain::categories::Gender" {
        /// Female.
        Female,
        /// Male.
        Male,
        /// Non-binary.
        NonBinary,
        /// The person prefers not to say.
        Undisclosed,
    }
);
mirror!(
    /// What kind of collective a request protects (2019 protocol §5.1).
    CollectiveKind = "domain::categories::CollectiveKind" {
        /// A native or indigenous community (*comunidad nativa*).
        IndigenousCommunity,
        /// A peasant community (*comunidad campesina*).
        PeasantCommunity,
        /// An organisation.
        Organisation,
        /// A legal person (*persona jurídica*).
        LegalPerson,
        /// A group or collective without legal form.
        Group,
    }
);
mirror!(
    /// The kind of a person's identity document.
    IdDocumentKind = "domain::categories::IdDocumentKind" {
        /// Peru's national identity document (*Documento Nacional de
        /// Identidad*).
        Dni,
        /// Foreigner's card (*carné de extranjería*).
        ForeignerCard,
        /// A passport.
        Passport,
        /// Another document.
        Other,
    }
);
mirror!(
    /// How a third-party requester knows the people to protect.
    Relationship = "domain::categories::Relationship" {
        /// A relative.
        Family,
        /// A fellow defender or co-worker.
        Colleague,
        /// The organisation the defender belongs to.
        Organisation,
        /// A member of the defender's community.
        CommunityMember,
        /// A lawyer.
        Lawyer,
        /// A public institution.
        PublicInstitution,
        /// Another relationship, described in `relationshipDetail`.
        Other,
    }
);
mirror!(
    /// Whether the person to protect consented to the request (admissibility
    /// criterion (b)).
    ConsentStatus = "domain::request::ConsentStatus" {
        /// The person consented.
        Given,
        /// The person refused.
        Refused,
        /// The person cannot consent (detained, missing, incapacitated); a reason
        /// is required.
        Unable,
    }
);
mirror!(
    /// The admissibility criteria: (a)–(d) of the procedure (DOMAIN.md §2.2)
    /// and the two the 2019 protocol implies.
    Criterion = "domain::workflow::Criterion" {
        /// (a) The person to protect is identified and their whereabouts known.
        PersonIdentifiedAndLocated,
        /// (b) The person consented, unless unable to.
        Consent,
        /// (c) The person related the facts and, where possible, supplied
        /// evidence.
        FactsRelated,
        /// (d) The protection measure or urgent intervention wanted is stated.
        MeasureIndicated,
        /// The person is a human rights defender.
        IsDefender,
        /// The risk is linked to the person's defence work.
        RiskLinkedToDefence,
    }
);
mirror!(
    /// Where a complaint filed with the Public Prosecutor stands, by the
    /// stages of the Código Procesal Penal (2004); `statusLabel` gives the
    /// Spanish label.
    ComplaintStatus = "domain::workflow::ComplaintStatus" {
        /// Filed with the prosecutor's office.
        Filed,
        /// The prosecutor's preliminary inquiry (*diligencias preliminares*).
        PreliminaryInquiry,
        /// The investigation formally opened (*investigación preparatoria formalizada*).
        FormalInvestigation,
        /// The prosecutor accused (*acusación fiscal*).
        Indictment,
        /// Before the court (*juicio oral*).
        Trial,
        /// A conviction.
        Conviction,
        /// An acquittal.
        Acquittal,
        /// The prosecutor closed it (*archivo fiscal*); it may reopen.
        Dismissed,
    }
);
mirror!(
    /// Why a case was archived.
    ArchiveReason = "domain::workflow::ArchiveReason" {
        /// Every measure ran its course: none is in force any more.
        Concluded,
        /// The risk is over, as an assessment after the resolution found.
        RiskCeased,
        /// The person protected withdrew consent (recorded with `withdrawConsent`).
        ConsentWithdrawn,
        /// Nobody could reach the people protected; the note says how it was tried.
        BeneficiaryUnreachable,
        /// The requester withdrew the request (*desistimiento*).
        RequestWithdrawn,
        /// A duplicate of another request.
        Duplicate,
        /// The request was not admitted.
        NotAdmitted,
        /// The request was referred to another entity, named in the note.
        Referred,
    }
);
mirror!(
    /// What a live event is about.
    LiveEventKind = "db::LiveEventKind" {
        /// A request was filed, by its requester or by staff.
        RequestReceived,
        /// Any other step of a case; its status may or may not have changed.
        CaseChanged,
        /// A measure was granted, changed status or changed sector.
        MeasureChanged,
        /// A running deadline's due date moved (calendar change, suspension
        /// ended).
        DeadlineMoved,
        /// A running deadline is due within the next 5 working days.
        DeadlineDueSoon,
        /// A running deadline is past its due date.
        DeadlineOverdue,
    }
);
mirror!(
    /// What a deadline is for.
    DeadlineKind = "domain::deadline::DeadlineKind" {
        /// The DGDH's decision on a request: granting or denying protection
        /// (30 working days, 15 on the urgent track).
        Decision,
        /// The requester's answer to a request for more information.
        InformationAnswer,
        /// The sector's acknowledgement of a measure notified to it.
        MeasureAcknowledgement,
        /// The sector's report that a measure is carried out.
        MeasureImplementation,
        /// The officer's periodic review of a granted measure: renew, modify or lift it.
        MeasureReview,
        /// A new assessment of the risk after an incident was reported.
        Reassessment,
        /// The officer's check that a measure the sector reported carried out
        /// really is.
        MeasureVerification,
        /// A sector's agreement at a coordination meeting, carried out
        /// (15 working days unless the meeting gave another period).
        Agreement,
    }
);
mirror!(
    /// The event a deadline is counted from; counting begins the working day
    /// after it.
    StartEvent = "domain::deadline::StartEvent" {
        /// The request's receipt.
        Receipt,
        /// The request's admission (the decision clock's default start).
        Admission,
        /// The risk assessment.
        RiskAssessment,
        /// The request for more information sent to the requester.
        InformationRequest,
        /// The measure's notification to its sector.
        MeasureNotification,
        /// The act that granted, renewed or modified the measure.
        MeasureAct,
        /// The report of an incident.
        IncidentReport,
        /// The sector's report that the measure is carried out.
        ImplementationReport,
        /// The intersectoral coordination meeting that made the agreement.
        CoordinationMeeting,
    }
);

mirror!(
    /// What an e-mail was.
    DeliveryKind = "db::DeliveryKind" {
        /// Something happened (a request filed, a measure notified…).
        Notice,
        /// A deadline's milestone: before, on or after its due date.
        Reminder,
        /// The withdrawal of a deadline's calendar event (`.ics` CANCEL).
        Cancel,
    }
);
mirror!(
    /// Where an e-mail stands.
    DeliveryStatus = "db::DeliveryStatus" {
        /// Waiting for its time or for a retry.
        Pending,
        /// Handed to the SMTP server.
        Sent,
        /// Replaced before it was sent (its deadline moved or closed).
        Cancelled,
        /// Not sent: it was too late to be useful.
        Expired,
        /// Could not be delivered (permanent refusal, no address, too many
        /// attempts).
        Dead,
    }
);

/// The role of a staff account: what it may see and do.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub(crate) enum StaffRole {
    /// A DGDH officer: triages requests, decides them and follows measures up.
    Officer,
    /// A DGDH supervisor: an officer who also sees exact statistics and the
    /// anonymised export, and may be required to sign resolutions (a
    /// deployment setting).
    Supervisor,
    /// A sector's coordinator: acknowledges and reports on their own sector's
    /// measures only, with the minimum case data needed.
    Coordinator,
    /// Manages accounts, reference data, the calendar and deadline rules;
    /// never sees case contents.
    Admin,
    /// Reads the audit trail, statistics and the anonymised export; never sees
    /// case contents.
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
            Role::Public | Role::System | Role::Device => None,
        }
    }
}

/// Where a deadline stands; `statusOn` says since when.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub(crate) enum DeadlineStatus {
    /// Running.
    Open,
    /// The clock stopped while the requester is asked for information; the
    /// working days it stands still are added when it resumes.
    Suspended,
    /// What it waited for happened (`onTime` says whether by the due date).
    Met,
    /// The period ran out and nothing is owed any more (an information request
    /// nobody answered).
    Lapsed,
    /// No longer needed (request withdrawn, measure lifted or modified).
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
mirror!(
    /// The kind of an evidence file, found from its first bytes (never from
    /// its name or the type its sender claimed); `kindLabel` gives the
    /// Spanish label.
    EvidenceKind = "domain::evidence::EvidenceType" {
        /// A JPEG photo.
        Jpeg,
        /// A PNG image (screenshots).
        Png,
        /// A GIF image.
        Gif,
        /// A WebP image (what messaging apps save).
        Webp,
        /// A HEIC photo (iPhones').
        Heic,
        /// MP3 audio.
        #[graphql(name = "MP3")]
        Mp3,
        /// AAC audio in ADTS frames.
        Aac,
        /// M4A audio (AAC in an MPEG-4 container).
        #[graphql(name = "M4A")]
        M4a,
        /// Ogg: Opus (WhatsApp's voice notes) or Vorbis.
        Ogg,
        /// Adaptive Multi-Rate: Android's voice recorder.
        Amr,
        /// WAV audio.
        Wav,
        /// 3GPP: audio or video recorded by older phones.
        #[graphql(name = "THREE_GPP")]
        ThreeGpp,
        /// An MPEG-4 video.
        #[graphql(name = "MP4")]
        Mp4,
        /// QuickTime: iPhones' videos.
        QuickTime,
        /// WebM or Matroska.
        Webm,
        /// A PDF document.
        Pdf,
    }
);

//! The closed lists a request is described with. They are the dimensions of
//! the registry of risk situations (DOMAIN.md §5), so their codes are stable:
//! statistics group by them. Each list ends in `OTHER` because reality does
//! not stop at our list; the free-text detail travels with the request.

use crate::codes::code_enum;

code_enum! {
    /// How the request reached the Directorate-General.
    pub enum Channel ("canal") {
        Web = "WEB", "Plataforma virtual";
        Email = "EMAIL", "Correo electrónico";
        Phone = "PHONE", "Teléfono";
        InPerson = "IN_PERSON", "Presencial";
        Referral = "REFERRAL", "Derivación de otra entidad";
        /// Sent over OpenRosa from ODK Collect, offline until a signal came.
        OdkCollect = "ODK_COLLECT", "Aplicación ODK Collect";
        /// Sent over OpenRosa from Horizontal's Tella (Android).
        Tella = "TELLA", "Aplicación Tella";
    }
}

impl Channel {
    /// Whether staff register requests arriving this way. A web request is
    /// filed by the requester themselves (`submitRequest`), an app's by the
    /// app; staff recording one as such would make the statistics claim it.
    pub fn is_registered_by_staff(self) -> bool {
        !matches!(self, Channel::Web | Channel::OdkCollect | Channel::Tella)
    }
}

code_enum! {
    pub enum DefenderCategory ("categoría de persona defensora") {
        Environmental = "ENVIRONMENTAL", "Defensa del ambiente";
        Indigenous = "INDIGENOUS", "Defensa de pueblos indígenas";
        LandAndTerritory = "LAND_AND_TERRITORY", "Defensa de la tierra y el territorio";
        WomensRights = "WOMENS_RIGHTS", "Defensa de los derechos de las mujeres";
        Lgbti = "LGBTI", "Defensa de los derechos de personas LGBTI";
        Journalist = "JOURNALIST", "Periodismo y comunicación";
        TradeUnionist = "TRADE_UNIONIST", "Sindicalismo";
        JusticeOperator = "JUSTICE_OPERATOR", "Operador/a de justicia";
        Other = "OTHER", "Otra";
    }
}

code_enum! {
    pub enum AggressionType ("tipo de agresión") {
        Threat = "THREAT", "Amenaza";
        PhysicalAggression = "PHYSICAL_AGGRESSION", "Agresión física";
        VerbalAggression = "VERBAL_AGGRESSION", "Agresión verbal";
        Harassment = "HARASSMENT", "Hostigamiento";
        Intimidation = "INTIMIDATION", "Intimidación";
        Stigmatisation = "STIGMATISATION", "Estigmatización";
        DamageToImage = "DAMAGE_TO_IMAGE", "Afectación a la imagen";
        Criminalisation = "CRIMINALISATION", "Criminalización";
        Surveillance = "SURVEILLANCE", "Seguimiento o vigilancia";
        DamageToProperty = "DAMAGE_TO_PROPERTY", "Daño a la propiedad";
        ForcedDisplacement = "FORCED_DISPLACEMENT", "Desplazamiento forzado";
        DigitalAttack = "DIGITAL_ATTACK", "Ataque digital";
        AttemptedKilling = "ATTEMPTED_KILLING", "Intento de asesinato";
        Killing = "KILLING", "Asesinato";
        Other = "OTHER", "Otra";
    }
}

code_enum! {
    /// Who is alleged to be behind the aggression.
    pub enum AggressorType ("tipo de presunto agresor") {
        StateAgent = "STATE_AGENT", "Agente estatal";
        Company = "COMPANY", "Empresa";
        IllegalMining = "ILLEGAL_MINING", "Minería ilegal";
        IllegalLogging = "ILLEGAL_LOGGING", "Tala ilegal";
        DrugTrafficking = "DRUG_TRAFFICKING", "Narcotráfico";
        LandTraffickers = "LAND_TRAFFICKERS", "Traficantes de terrenos";
        Individual = "INDIVIDUAL", "Particular";
        Unknown = "UNKNOWN", "Desconocido";
        Other = "OTHER", "Otro";
    }
}

code_enum! {
    /// The language the defender speaks (DOMAIN.md §8).
    pub enum Language ("lengua") {
        Spanish = "SPANISH", "Castellano";
        Quechua = "QUECHUA", "Quechua";
        Aymara = "AYMARA", "Aimara";
        Ashaninka = "ASHANINKA", "Asháninka";
        Awajun = "AWAJUN", "Awajún";
        ShipiboKonibo = "SHIPIBO_KONIBO", "Shipibo-Konibo";
        OtherAmazonian = "OTHER_AMAZONIAN", "Otra lengua amazónica";
        Other = "OTHER", "Otra";
    }
}

code_enum! {
    pub enum Gender ("género") {
        Female = "FEMALE", "Femenino";
        Male = "MALE", "Masculino";
        NonBinary = "NON_BINARY", "No binario";
        Undisclosed = "UNDISCLOSED", "Prefiere no decirlo";
    }
}

code_enum! {
    /// What kind of collective a request protects (2019 protocol §5.1).
    pub enum CollectiveKind ("tipo de colectivo") {
        IndigenousCommunity = "INDIGENOUS_COMMUNITY", "Comunidad nativa o indígena";
        PeasantCommunity = "PEASANT_COMMUNITY", "Comunidad campesina";
        Organisation = "ORGANISATION", "Organización";
        LegalPerson = "LEGAL_PERSON", "Persona jurídica";
        Group = "GROUP", "Grupo o colectivo";
    }
}

code_enum! {
    pub enum IdDocumentKind ("tipo de documento") {
        Dni = "DNI", "DNI";
        ForeignerCard = "CE", "Carné de extranjería";
        Passport = "PASSPORT", "Pasaporte";
        Other = "OTHER", "Otro";
    }
}

code_enum! {
    /// How a third-party requester knows the people to protect.
    pub enum Relationship ("relación con la persona defensora") {
        Family = "FAMILY", "Familiar";
        Colleague = "COLLEAGUE", "Compañero/a de labor";
        Organisation = "ORGANISATION", "Organización a la que pertenece";
        CommunityMember = "COMMUNITY_MEMBER", "Miembro de la comunidad";
        Lawyer = "LAWYER", "Abogado/a";
        PublicInstitution = "PUBLIC_INSTITUTION", "Institución pública";
        Other = "OTHER", "Otra";
    }
}

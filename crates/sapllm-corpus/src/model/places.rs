//! Names, streets, cities, banks and number formats of the countries beyond DE, FR and AT.
//!
//! All companies are made up; web and e-mail domains use `.example`. The lists are short on
//! purpose: variety comes from combining them, and every entry prints in the PDF writer's
//! encoding (WinAnsi plus the Central European letters Polish needs).

use super::Country;

/// What a fictitious company of one country is made of.
#[derive(Debug)]
pub struct Places {
    pub names: &'static [&'static str],
    pub forms: &'static [&'static str],
    pub streets: &'static [&'static str],
    /// (postcode, city)
    pub cities: &'static [(&'static str, &'static str)],
    pub banks: &'static [&'static str],
    /// `true`: "12 High Street"; `false`: "Via Roma 12".
    pub number_first: bool,
    pub phone_prefix: &'static str,
}

pub fn places(country: Country) -> Option<&'static Places> {
    Some(match country {
        Country::Es => &ES,
        Country::It => &IT,
        Country::Nl => &NL,
        Country::Pl => &PL,
        Country::Pt => &PT,
        Country::Gb => &GB,
        Country::Ch => &CH,
        Country::Be => &BE,
        Country::Us => &US,
        Country::Se => &SE,
        Country::Dk => &DK,
        Country::Cz => &CZ,
        Country::De | Country::Fr | Country::At => return None,
    })
}

static ES: Places = Places {
    names: &[
        "Suministros Ibéricos",
        "Talleres Navarro",
        "Distribuciones Sol",
        "Grupo Alcázar",
        "Construcciones Ebro",
        "Oficinas Levante",
        "Frío Industrial Castilla",
    ],
    forms: &["S.L.", "S.A.", "S.L.U."],
    streets: &[
        "Calle Mayor,",
        "Avenida de la Constitución,",
        "Calle de Alcalá,",
        "Paseo de Gracia,",
        "Calle Real,",
    ],
    cities: &[
        ("28013", "Madrid"),
        ("08007", "Barcelona"),
        ("46002", "Valencia"),
        ("41001", "Sevilla"),
        ("48001", "Bilbao"),
        ("50001", "Zaragoza"),
    ],
    banks: &[
        "Banco del Sur",
        "Caja Rural de Castilla",
        "Banco Mediterráneo",
    ],
    number_first: false,
    phone_prefix: "+34",
};

static IT: Places = Places {
    names: &[
        "Forniture Adriatiche",
        "Officine Ferraris",
        "Cartoleria Bianchi",
        "Tecnoservizi Lombardi",
        "Idraulica Conti",
        "Edilizia Romano",
        "Logistica Padana",
    ],
    forms: &["S.r.l.", "S.p.A.", "S.n.c."],
    streets: &[
        "Via Roma",
        "Corso Italia",
        "Via Garibaldi",
        "Viale Europa",
        "Piazza Cavour",
        "Via Dante",
    ],
    cities: &[
        ("20121", "Milano"),
        ("00184", "Roma"),
        ("10121", "Torino"),
        ("40121", "Bologna"),
        ("50123", "Firenze"),
        ("35121", "Padova"),
    ],
    banks: &[
        "Banca Popolare del Nord",
        "Cassa di Risparmio Emiliana",
        "Banca Adriatica",
    ],
    number_first: false,
    phone_prefix: "+39",
};

static NL: Places = Places {
    names: &[
        "Van Dijk Kantoorartikelen",
        "De Vries Installatietechniek",
        "Jansen & Bakker",
        "Polder Logistiek",
        "Molenaar Metaal",
        "Hollands Drukwerk",
        "Visser Koeltechniek",
    ],
    forms: &["B.V.", "N.V.", "V.O.F."],
    streets: &[
        "Kerkstraat",
        "Stationsweg",
        "Industrieweg",
        "Dorpsstraat",
        "Keizersgracht",
        "Havenweg",
    ],
    cities: &[
        ("1012 AB", "Amsterdam"),
        ("3011 AD", "Rotterdam"),
        ("3511 LN", "Utrecht"),
        ("5611 AZ", "Eindhoven"),
        ("9711 LM", "Groningen"),
        ("2511 CV", "Den Haag"),
    ],
    banks: &[
        "Nederlandse Handelsbank",
        "Rabo Regio Bank",
        "Spaarbank Noord",
    ],
    number_first: false,
    phone_prefix: "+31",
};

static PL: Places = Places {
    names: &[
        "Biuro-Serwis Kowalski",
        "Przedsiębiorstwo Handlowe Nowak",
        "Zakład Metalowy Wiśniewski",
        "Drukarnia Łódzka",
        "Transport Zieliński",
        "Instalacje Wójcik",
        "Hurtownia Żurawia",
    ],
    forms: &["Sp. z o.o.", "S.A.", "Sp. j."],
    streets: &[
        "ul. Długa",
        "ul. Marszałkowska",
        "ul. Piotrkowska",
        "ul. Świętokrzyska",
        "al. Jerozolimskie",
        "ul. Kościuszki",
    ],
    cities: &[
        ("00-950", "Warszawa"),
        ("30-001", "Kraków"),
        ("90-001", "Łódź"),
        ("50-001", "Wrocław"),
        ("61-001", "Poznań"),
        ("80-001", "Gdańsk"),
    ],
    banks: &[
        "Bank Handlowy Mazowsze",
        "Bank Spółdzielczy w Łodzi",
        "Pomorski Bank Regionalny",
    ],
    number_first: false,
    phone_prefix: "+48",
};

static PT: Places = Places {
    names: &[
        "Fornecimentos Lusitanos",
        "Oficinas Pereira",
        "Papelaria Ferreira",
        "Transportes Costa",
        "Climatização Almeida",
        "Gráfica do Norte",
        "Metalúrgica Rodrigues",
    ],
    forms: &["Lda.", "S.A.", "Unipessoal Lda."],
    streets: &[
        "Rua Augusta,",
        "Avenida da Liberdade,",
        "Rua de Santa Catarina,",
        "Rua do Comércio,",
        "Avenida dos Aliados,",
    ],
    cities: &[
        ("1100-048", "Lisboa"),
        ("4000-322", "Porto"),
        ("3000-150", "Coimbra"),
        ("4700-307", "Braga"),
        ("8000-138", "Faro"),
    ],
    banks: &[
        "Banco Atlântico Português",
        "Caixa de Crédito do Minho",
        "Banco Comercial do Tejo",
    ],
    number_first: false,
    phone_prefix: "+351",
};

static GB: Places = Places {
    names: &[
        "Hartley Office Supplies",
        "Pennine Engineering",
        "Thames Valley Print",
        "Whitmore & Sons",
        "Northgate Logistics",
        "Brookfield Facilities",
        "Ashby Refrigeration",
    ],
    forms: &["Ltd", "Ltd", "PLC", "LLP"],
    streets: &[
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "Mill Lane",
        "Kings Road",
    ],
    cities: &[
        ("EC1A 1BB", "London"),
        ("M1 1AE", "Manchester"),
        ("B1 1AA", "Birmingham"),
        ("LS1 4AP", "Leeds"),
        ("BS1 4DJ", "Bristol"),
        ("EH1 1YZ", "Edinburgh"),
    ],
    banks: &[
        "Northern Counties Bank",
        "Albion Savings Bank",
        "Lothian Trust Bank",
    ],
    number_first: true,
    phone_prefix: "+44",
};

static CH: Places = Places {
    names: &[
        "Bergmann Bürobedarf",
        "Seeland Haustechnik",
        "Alpina Präzision",
        "Rheintal Logistik",
        "Limmat Druck",
        "Jura Metallbau",
    ],
    forms: &["AG", "GmbH", "SA"],
    streets: &[
        "Bahnhofstrasse",
        "Seestrasse",
        "Hauptgasse",
        "Industriestrasse",
        "Dorfstrasse",
    ],
    cities: &[
        ("8001", "Zürich"),
        ("3011", "Bern"),
        ("4051", "Basel"),
        ("6003", "Luzern"),
        ("9000", "St. Gallen"),
    ],
    banks: &[
        "Kantonalbank Mittelland",
        "Alpenbank Zürich",
        "Raiffeisen Seeland",
    ],
    number_first: false,
    phone_prefix: "+41",
};

static BE: Places = Places {
    names: &[
        "Peeters Kantoorbenodigdheden",
        "Dubois Équipements",
        "Vlaamse Techniek",
        "Maes & Janssens",
        "Ardennes Logistique",
        "Brabant Druk",
    ],
    forms: &["BV", "NV", "SRL", "SA"],
    streets: &[
        "Grote Markt",
        "Stationsstraat",
        "Rue Royale",
        "Kerkstraat",
        "Avenue Louise",
    ],
    cities: &[
        ("1000", "Brussel"),
        ("2000", "Antwerpen"),
        ("9000", "Gent"),
        ("4000", "Liège"),
        ("3000", "Leuven"),
    ],
    banks: &[
        "Belgische Handelsbank",
        "Banque du Brabant",
        "Spaarkas Vlaanderen",
    ],
    number_first: false,
    phone_prefix: "+32",
};

static US: Places = Places {
    names: &[
        "Lakeside Office Supply",
        "Summit Industrial",
        "Redwood Consulting",
        "Patriot Freight",
        "Keystone Facilities",
        "Bayview Print",
    ],
    forms: &["Inc.", "LLC", "Corp."],
    streets: &[
        "Main Street",
        "Oak Avenue",
        "Commerce Drive",
        "Market Street",
        "Industrial Parkway",
    ],
    cities: &[
        ("NY 10001", "New York"),
        ("IL 60601", "Chicago"),
        ("TX 77002", "Houston"),
        ("CA 94105", "San Francisco"),
        ("MA 02108", "Boston"),
    ],
    banks: &["First Lakeside Bank", "Summit National Bank"],
    number_first: true,
    phone_prefix: "+1",
};

static SE: Places = Places {
    names: &[
        "Nordström Kontorsvaror",
        "Lindqvist Teknik",
        "Bergström & Holm",
        "Vasa Logistik",
        "Dalarna Tryck",
    ],
    forms: &["AB", "AB", "HB"],
    streets: &[
        "Storgatan",
        "Drottninggatan",
        "Kungsgatan",
        "Industrivägen",
        "Hamngatan",
    ],
    cities: &[
        ("111 52", "Stockholm"),
        ("411 06", "Göteborg"),
        ("211 20", "Malmö"),
        ("753 20", "Uppsala"),
    ],
    banks: &["Nordiska Handelsbanken", "Sparbanken Väst"],
    number_first: false,
    phone_prefix: "+46",
};

static DK: Places = Places {
    names: &[
        "Hansen Kontorartikler",
        "Jensen & Møller",
        "Fyn Teknik",
        "Øresund Logistik",
        "Aarhus Tryk",
    ],
    forms: &["ApS", "A/S"],
    streets: &[
        "Vestergade",
        "Nørregade",
        "Strandvejen",
        "Industrivej",
        "Algade",
    ],
    cities: &[
        ("1050", "København"),
        ("8000", "Aarhus"),
        ("5000", "Odense"),
        ("9000", "Aalborg"),
    ],
    banks: &["Dansk Erhvervsbank", "Sparekassen Fyn"],
    number_first: false,
    phone_prefix: "+45",
};

static CZ: Places = Places {
    names: &[
        "Novák Papírnictví",
        "Kubát Strojírny",
        "Moravská Logistika",
        "Tiskárna Praha",
        "Svoboda Technik",
    ],
    forms: &["s.r.o.", "a.s."],
    streets: &[
        "Národní",
        "Vinohradská",
        "Masarykova",
        "Husova",
        "Palackého",
    ],
    cities: &[
        ("110 00", "Praha"),
        ("602 00", "Brno"),
        ("779 00", "Olomouc"),
        ("702 00", "Ostrava"),
    ],
    banks: &["Obchodní banka Brno", "Moravská banka"],
    number_first: false,
    phone_prefix: "+420",
};

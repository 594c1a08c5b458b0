//! The demo collection's content: real-world vocabulary of the Belarusian protests since
//! 2020, with invented objects and donors. One object is the museum's own published example:
//! a painting from Olga Yakubovskaya's cats series, sold at the Belarusian Council of
//! Culture's charity Christmas auction and deposited with the museum for safekeeping by a
//! donor credited as "Ivan".

use sqlx::SqliteConnection;

use super::images::{Motif, paint_with_faces};
use super::{ImageSize, attach_image, date, progress, publish};
use crate::collection::authorities::{self, NewEvent, NewMaker};
use crate::collection::numbers::AccessionPattern;
use crate::collection::objects::{self, NewObject};
use crate::collection::provenance::{self, NewProvenance, PartyRef};
use crate::collection::{
    AcquisitionMethod, CreditChoice, EventKind, FuzzyDate, MakerKind, Owner, ProvenanceKind, Text3,
};
use crate::collection::{PartyRole, whereabouts};
use crate::db::Databases;
use crate::media;
use crate::media::redact::{Kind, Method, Region, Shape};

fn t(be: &str, en: &str, ru: &str) -> Text3 {
    Text3::new(be, en, ru)
}

/// Ids of the authorities the objects refer to.
struct Authorities {
    makers: Vec<i64>,
    events: Vec<i64>,
    auction: i64,
    council: i64,
    places: Vec<i64>,
    store_room: i64,
}

async fn authorities(conn: &mut SqliteConnection) -> anyhow::Result<Authorities> {
    let mut places = Vec::new();
    for name in [
        t("Мінск", "Minsk", "Минск"),
        t("Вільня", "Vilnius", "Вильнюс"),
        t("Варшава", "Warsaw", "Варшава"),
        t("Тбілісі", "Tbilisi", "Тбилиси"),
        t("Гродна", "Hrodna", "Гродно"),
        t("Брэст", "Brest", "Брест"),
    ] {
        places.push(authorities::create_place(conn, &name).await?);
    }
    let council = authorities::create_organisation(
        conn,
        &t("Беларуская Рада культуры", "Belarusian Council of Culture", "Белорусский совет культуры"),
        "",
    )
    .await?;

    let maker = |kind, name: Text3, bio: Text3| NewMaker { kind, name, bio, private_notes: String::new() };
    let makers_spec = [
        maker(
            MakerKind::Person,
            t("Вольга Якубоўская", "Olga Yakubovskaya", "Ольга Якубовская"),
            t(
                "Мастачка. Яе серыя «Каты» — белыя і чырвоныя каты, напісаныя пасля 2020 года, — стала адным з вобразаў беларускага пратэсту.",
                "Artist. Her series “Cats”, white and red cats painted after 2020, became one of the images of the Belarusian protest.",
                "Художница. Её серия «Коты» — белые и красные коты, написанные после 2020 года, — стала одним из образов белорусского протеста.",
            ),
        ),
        maker(MakerKind::Anonymous, Text3::default(), Text3::default()),
        maker(
            MakerKind::Collective,
            t("Гурток «Нітка»", "The Thread Circle", "Кружок «Нить»"),
            t(
                "Жанчыны з аднаго мінскага двара, якія шылі сцягі і стужкі для маршаў.",
                "Women from one Minsk courtyard who sewed flags and ribbons for the marches.",
                "Женщины из одного минского двора, которые шили флаги и ленты для маршей.",
            ),
        ),
        maker(
            MakerKind::Pseudonym,
            t("Святло", "Sviatlo", "Святло"),
            t(
                "Ілюстратар, які працуе пад псеўданімам.",
                "An illustrator who works under a pseudonym.",
                "Иллюстратор, работающий под псевдонимом.",
            ),
        ),
        maker(
            MakerKind::Collective,
            t("Майстэрня плаката", "Poster Workshop", "Мастерская плаката"),
            t(
                "Валанцёры, якія друкавалі плакаты на рызографе ў 2020–2021 гадах.",
                "Volunteers who printed posters on a risograph in 2020–2021.",
                "Волонтёры, печатавшие плакаты на ризографе в 2020–2021 годах.",
            ),
        ),
        maker(
            MakerKind::Person,
            t("Ірына Ўладзіміраўна", "Iryna U.", "Ирина Владимировна"),
            t("Фатографка маршаў 2020 года.", "Photographer of the 2020 marches.", "Фотограф маршей 2020 года."),
        ),
        maker(MakerKind::Pseudonym, t("Андрэй з Гродна", "Andrei from Hrodna", "Андрей из Гродно"), Text3::default()),
    ];
    let mut makers = Vec::new();
    for m in &makers_spec {
        makers.push(authorities::create_maker(conn, m).await?);
    }

    let event = |kind, name: Text3, description: Text3, starts: &str, ends: &str, place: i64| NewEvent {
        kind,
        name,
        description,
        starts_on: Some(starts.to_owned()),
        ends_on: Some(ends.to_owned()),
        place_id: Some(place),
        organisation_id: None,
    };
    let events_spec = [
        event(
            EventKind::March,
            t("Марш міру і незалежнасці", "March for Peace and Independence", "Марш мира и независимости"),
            t(
                "Самы вялікі марш у гісторыі Беларусі, 16 жніўня 2020 года.",
                "The largest march in the history of Belarus, 16 August 2020.",
                "Самый большой марш в истории Беларуси, 16 августа 2020 года.",
            ),
            "2020-08-16",
            "2020-08-16",
            places[0],
        ),
        event(
            EventKind::March,
            t("Жаночы марш салідарнасці", "Women's Solidarity March", "Женский марш солидарности"),
            t("Жанчыны ў белым з кветкамі.", "Women in white with flowers.", "Женщины в белом с цветами."),
            "2020-09-19",
            "2020-09-19",
            places[0],
        ),
        event(
            EventKind::Protest,
            t("Дзень Волі", "Freedom Day", "День Воли"),
            t(
                "Штогадовае свята 25 сакавіка, у 2021 годзе — дзень масавых затрыманняў.",
                "The yearly holiday of 25 March; in 2021 a day of mass detentions.",
                "Ежегодный праздник 25 марта; в 2021 году — день массовых задержаний.",
            ),
            "2021-03-25",
            "2021-03-25",
            places[0],
        ),
        event(
            EventKind::March,
            t("Марш адзінства", "March of Unity", "Марш единства"),
            Text3::default(),
            "2020-09-06",
            "2020-09-06",
            places[0],
        ),
        event(
            EventKind::Exhibition,
            t("Мастацтва беларускага пратэсту", "Art of the Belarusian Protest", "Искусство белорусского протеста"),
            t(
                "Выстава ў Вільні, якая паказала прадметы з калекцыі музея.",
                "An exhibition in Vilnius that showed objects from the museum's collection.",
                "Выставка в Вильнюсе, показавшая предметы из коллекции музея.",
            ),
            "2023-05-12",
            "2023-07-30",
            places[1],
        ),
    ];
    let mut events = Vec::new();
    for e in &events_spec {
        events.push(authorities::create_event(conn, e).await?);
    }
    let auction = authorities::create_event(
        conn,
        &NewEvent {
            kind: EventKind::Auction,
            name: t(
                "Калядны дабрачынны аўкцыён Беларускай Рады культуры",
                "Christmas charity auction of the Belarusian Council of Culture",
                "Рождественский благотворительный аукцион Белорусского совета культуры",
            ),
            description: t(
                "Дабрачынны аўкцыён твораў беларускіх мастакоў на падтрымку культуры ў выгнанні.",
                "A charity auction of works by Belarusian artists in support of culture in exile.",
                "Благотворительный аукцион работ белорусских художников в поддержку культуры в изгнании.",
            ),
            starts_on: Some("2022-12-18".to_owned()),
            ends_on: Some("2022-12-18".to_owned()),
            place_id: Some(places[2]),
            organisation_id: Some(council),
        },
    )
    .await?;
    let store_room = whereabouts::create_location(conn, "Store room B, shelf 4", "climate-controlled").await?;
    Ok(Authorities { makers, events, auction, council, places, store_room })
}

/// A hand-written demo object.
struct Spec {
    object_type: Motif,
    title: Text3,
    description: Text3,
    date: FuzzyDate,
    maker: Option<usize>,
    events: &'static [usize],
    materials: Text3,
    dimensions: &'static str,
    method: AcquisitionMethod,
    acquired: (i32, u32, u32),
    credit: (CreditChoice, &'static str),
    inscription: Option<Text3>,
    /// A rights statement of its own, by URI; `None` takes the collection's.
    rights: Option<&'static str>,
}

fn specs() -> Vec<Spec> {
    let spec = |object_type, title, description, date, maker, events, materials, dimensions| Spec {
        object_type,
        title,
        description,
        date,
        maker,
        events,
        materials,
        dimensions,
        method: AcquisitionMethod::Gift,
        acquired: (2022, 3, 1),
        credit: (CreditChoice::Anonymous, ""),
        inscription: None,
        rights: None,
    };
    let cloth = || t("Баваўняная тканіна", "Cotton fabric", "Хлопчатобумажная ткань");
    let paper = || t("Папера, друк", "Paper, print", "Бумага, печать");
    vec![
        Spec {
            method: AcquisitionMethod::Gift,
            acquired: (2022, 5, 10),
            credit: (CreditChoice::Pseudonym, "Ліса"),
            ..spec(
                Motif::Flag,
                t(
                    "Бел-чырвона-белы сцяг з Марша міру",
                    "White-red-white flag from the March for Peace",
                    "Бело-красно-белый флаг с Марша мира",
                ),
                t(
                    "Сцяг, пашыты ўручную з прасцін. Яго неслі на маршы 16 жніўня 2020 года.",
                    "A flag sewn by hand from bed sheets, carried at the march of 16 August 2020.",
                    "Флаг, сшитый вручную из простыней. Его несли на марше 16 августа 2020 года.",
                ),
                FuzzyDate::year(2020),
                Some(2),
                &[0],
                cloth(),
                "150 × 100 cm",
            )
        },
        Spec {
            inscription: Some(t("«Мы разам»", "“We are together”", "«Мы вместе»")),
            ..spec(
                Motif::Ribbon,
                t("Стужка з Жаночага марша", "Ribbon from the Women's Solidarity March", "Лента с Женского марша"),
                t(
                    "Бел-чырвона-белая стужка, якую жанчыны завязвалі на запясці.",
                    "A white-red-white ribbon that women tied around their wrists.",
                    "Бело-красно-белая лента, которую женщины повязывали на запястье.",
                ),
                FuzzyDate::year(2020),
                Some(1),
                &[1],
                t("Атлас", "Satin", "Атлас"),
                "2 × 60 cm",
            )
        },
        spec(
            Motif::Badge,
            t("Значок «Жыве Беларусь!»", "Badge “Long live Belarus!”", "Значок «Жыве Беларусь!»"),
            t(
                "Значок, які раздавалі на маршах восенню 2020 года.",
                "A badge handed out at the marches in autumn 2020.",
                "Значок, который раздавали на маршах осенью 2020 года.",
            ),
            FuzzyDate::year(2020),
            Some(1),
            &[3],
            t("Метал, эмаль", "Metal, enamel", "Металл, эмаль"),
            "Ø 25 mm",
        ),
        Spec {
            // The collective asked for its posters to be shared freely, with credit.
            rights: Some("http://creativecommons.org/licenses/by-nc/4.0/"),
            ..spec(
                Motif::Poster,
                t(
                    "Плакат «Верым, можам, пераможам»",
                    "Poster “We believe, we can, we will win”",
                    "Плакат «Верим, можем, победим»",
                ),
                t(
                    "Рызаграфічны плакат з клічам, які гучаў на кожным маршы.",
                    "A risograph poster with the chant heard at every march.",
                    "Ризографический плакат с лозунгом, звучавшим на каждом марше.",
                ),
                FuzzyDate::year(2020),
                Some(4),
                &[0, 3],
                paper(),
                "42 × 59.4 cm",
            )
        },
        Spec {
            method: AcquisitionMethod::Gift,
            acquired: (2023, 2, 14),
            credit: (CreditChoice::Anonymous, ""),
            inscription: Some(t(
                "«Дарагая мама, у мяне ўсё добра. Не хвалюйся.»",
                "“Dear mum, I am fine. Don't worry.”",
                "«Дорогая мама, у меня всё хорошо. Не волнуйся.»",
            )),
            ..spec(
                Motif::Letter,
                t(
                    "Ліст палітвязня з СІЗА",
                    "Letter from a political prisoner in pre-trial detention",
                    "Письмо политзаключённого из СИЗО",
                ),
                t(
                    "Ліст, напісаны алоўкам на тонкай паперы. Адрасат захаваў яго і перадаў музею.",
                    "A letter written in pencil on thin paper. Its addressee kept it and gave it to the museum.",
                    "Письмо, написанное карандашом на тонкой бумаге. Адресат сохранил его и передал музею.",
                ),
                FuzzyDate::year(2021),
                Some(1),
                &[],
                t("Папера, аловак", "Paper, pencil", "Бумага, карандаш"),
                "21 × 15 cm",
            )
        },
        spec(
            Motif::Photograph,
            t(
                "Калона на праспекце Незалежнасці",
                "The column on Independence Avenue",
                "Колонна на проспекте Независимости",
            ),
            t(
                "Здымак людзей, якія ідуць да стэлы «Мінск — горад-герой».",
                "A photograph of people walking towards the Minsk Hero City obelisk.",
                "Снимок людей, идущих к стеле «Минск — город-герой».",
            ),
            FuzzyDate::year(2020),
            Some(5),
            &[0],
            t("Фотаздымак, струменны друк", "Photograph, inkjet print", "Фотография, струйная печать"),
            "30 × 20 cm",
        ),
        spec(
            Motif::Banner,
            t(
                "Расцяжка «Свабоду палітвязням»",
                "Banner “Freedom to political prisoners”",
                "Растяжка «Свободу политзаключённым»",
            ),
            t(
                "Доўгая расцяжка, якую трымалі некалькі чалавек.",
                "A long banner held by several people.",
                "Длинная растяжка, которую держали несколько человек.",
            ),
            FuzzyDate::year(2020),
            Some(2),
            &[3],
            cloth(),
            "400 × 80 cm",
        ),
        spec(
            Motif::Clothing,
            t(
                "Сукенка ў бел-чырвона-белыя палосы",
                "Dress in white-red-white stripes",
                "Платье в бело-красно-белые полосы",
            ),
            t(
                "Сукенка, пашытая да Жаночага марша салідарнасці.",
                "A dress sewn for the Women's Solidarity March.",
                "Платье, сшитое к Женскому маршу солидарности.",
            ),
            FuzzyDate::year(2020),
            None,
            &[1],
            cloth(),
            "",
        ),
        spec(
            Motif::Document,
            t(
                "Паведамленне аб адміністрацыйным арышце",
                "Notice of administrative arrest",
                "Извещение об административном аресте",
            ),
            t(
                "Дакумент пра 15 сутак арышту за ўдзел у Дні Волі. Імёны закрытыя.",
                "A document about 15 days of arrest for taking part in Freedom Day. Names redacted.",
                "Документ о 15 сутках ареста за участие в Дне Воли. Имена скрыты.",
            ),
            FuzzyDate::year(2021),
            None,
            &[2],
            paper(),
            "A4",
        ),
        spec(
            Motif::Other,
            t("Кубак з Пагоняй", "Mug with the Pahonia", "Кружка с Погоней"),
            t(
                "Кубак з гербам «Пагоня», які стаяў на стале ў офісе.",
                "A mug with the Pahonia coat of arms that stood on an office desk.",
                "Кружка с гербом «Погоня», стоявшая на столе в офисе.",
            ),
            FuzzyDate::circa(2021),
            None,
            &[],
            t("Кераміка", "Ceramic", "Керамика"),
            "Ø 8 cm, h 10 cm",
        ),
        spec(
            Motif::Painting,
            t("Бел-чырвона-белы пейзаж", "White-red-white landscape", "Бело-красно-белый пейзаж"),
            t(
                "Абстрактны пейзаж са снегам і чырвонай ракой.",
                "An abstract landscape with snow and a red river.",
                "Абстрактный пейзаж со снегом и красной рекой.",
            ),
            FuzzyDate::between(2021, 2022),
            Some(3),
            &[4],
            t("Палатно, акрыл", "Acrylic on canvas", "Холст, акрил"),
            "60 × 80 cm",
        ),
    ]
}

/// Slogans for the generated part of the collection.
const SLOGANS: [(&str, &str, &str); 6] = [
    ("Жыве Беларусь!", "Long live Belarus!", "Жыве Беларусь!"),
    ("Мы разам", "We are together", "Мы вместе"),
    ("Свабоду палітвязням", "Freedom to political prisoners", "Свободу политзаключённым"),
    ("Верым, можам, пераможам", "We believe, we can, we will win", "Верим, можем, победим"),
    ("Я выходжу", "I am coming out", "Я выхожу"),
    ("Беларусь — гэта мы", "Belarus is us", "Беларусь — это мы"),
];

/// A generated object: variety for browsing and volume for the benchmark.
fn generated(index: usize, events: usize) -> Spec {
    let types = [
        Motif::Ribbon,
        Motif::Badge,
        Motif::Poster,
        Motif::Flag,
        Motif::Photograph,
        Motif::Letter,
        Motif::Banner,
        Motif::Clothing,
        Motif::Painting,
        Motif::Document,
    ];
    let object_type = types[index % types.len()];
    let (sb, se, sr) = SLOGANS[index / types.len() % SLOGANS.len()];
    let number = index + 1;
    let (title, description) = match object_type {
        Motif::Ribbon => (
            t(&format!("Стужка № {number}"), &format!("Ribbon no. {number}"), &format!("Лента № {number}")),
            t("Стужка, якую насілі на рукаве.", "A ribbon worn on a sleeve.", "Лента, которую носили на рукаве."),
        ),
        Motif::Badge => (
            t(&format!("Значок «{sb}»"), &format!("Badge “{se}”"), &format!("Значок «{sr}»")),
            t("Значок з лозунгам.", "A badge with a slogan.", "Значок с лозунгом."),
        ),
        Motif::Poster => (
            t(&format!("Плакат «{sb}»"), &format!("Poster “{se}”"), &format!("Плакат «{sr}»")),
            t("Плакат, надрукаваны ўначы.", "A poster printed at night.", "Плакат, напечатанный ночью."),
        ),
        Motif::Flag => (
            t(
                &format!("Сцяг з двара № {number}"),
                &format!("Flag from courtyard no. {number}"),
                &format!("Флаг из двора № {number}"),
            ),
            t("Сцяг, які вісеў на балконе.", "A flag that hung from a balcony.", "Флаг, висевший на балконе."),
        ),
        Motif::Photograph => (
            t(
                &format!("Марш, здымак № {number}"),
                &format!("March, photograph no. {number}"),
                &format!("Марш, снимок № {number}"),
            ),
            t("Здымак нядзельнага марша.", "A photograph of a Sunday march.", "Снимок воскресного марша."),
        ),
        Motif::Letter => (
            t(
                &format!("Паштоўка палітвязню № {number}"),
                &format!("Postcard to a political prisoner no. {number}"),
                &format!("Открытка политзаключённому № {number}"),
            ),
            t(
                "Паштоўка, якая вярнулася нядоставанай.",
                "A postcard that came back undelivered.",
                "Открытка, вернувшаяся недоставленной.",
            ),
        ),
        Motif::Banner => (
            t(&format!("Расцяжка «{sb}»"), &format!("Banner “{se}”"), &format!("Растяжка «{sr}»")),
            t("Расцяжка з лозунгам.", "A banner with a slogan.", "Растяжка с лозунгом."),
        ),
        Motif::Clothing => (
            t(&format!("Футболка «{sb}»"), &format!("T-shirt “{se}”"), &format!("Футболка «{sr}»")),
            t("Футболка з надпісам.", "A T-shirt with a slogan.", "Футболка с надписью."),
        ),
        Motif::Painting => (
            t(&format!("Кот № {number}"), &format!("Cat no. {number}"), &format!("Кот № {number}")),
            t("Карціна з белым катом.", "A painting of a white cat.", "Картина с белым котом."),
        ),
        _ => (
            t(&format!("Пратакол № {number}"), &format!("Record no. {number}"), &format!("Протокол № {number}")),
            t("Дакумент з архіва.", "A document from an archive.", "Документ из архива."),
        ),
    };
    static EVENT_SETS: [&[usize]; 5] = [&[0], &[1], &[2], &[3], &[]];
    let year = 2020 + (index % 4) as i64;
    Spec {
        object_type,
        title,
        description,
        date: FuzzyDate::year(year),
        maker: Some([1, 2, 3, 4, 5, 6][index % 6]),
        events: EVENT_SETS[index % EVENT_SETS.len().min(events + 1)],
        materials: Text3::default(),
        dimensions: "",
        method: AcquisitionMethod::Gift,
        acquired: (2022 + (index % 3) as i32, 1 + (index % 12) as u32, 1 + (index % 27) as u32),
        credit: (CreditChoice::Anonymous, ""),
        inscription: None,
        rights: None,
    }
}

/// How many different pictures the generated objects share.
const GENERATED_PICTURES: usize = 20;

/// Creates the demo objects: hand-written ones, generated ones up to `count`, four drafts,
/// and the Yakubovskaya painting, published last so it leads the recent acquisitions.
pub async fn seed(
    db: &Databases,
    store: &media::Store,
    pattern: &AccessionPattern,
    count: usize,
    size: ImageSize,
) -> anyhow::Result<(usize, usize)> {
    let mut tx = db.main.begin_with("BEGIN IMMEDIATE").await?;
    let auth = authorities(&mut tx).await?;
    let hand = specs();
    let generated_count = count.saturating_sub(hand.len() + 1);
    let bar = progress((hand.len() + generated_count + 6) as u64, "objects");

    // A photograph's nearer faces come marked, pixelated in the public sizes, so a newcomer
    // sees the redaction tool and what it does.
    let paint_store = |object_type: Motif, seed: u64| -> anyhow::Result<media::Stored> {
        let (picture, faces) = paint_with_faces(object_type, seed, size.width, size.height);
        let regions = faces
            .into_iter()
            .map(|[x, y, w, h]| Region {
                shape: Shape::Ellipse,
                kind: Kind::Face,
                method: Method::Pixelate,
                x,
                y,
                w,
                h,
            })
            .filter(|r| r.check(picture.dimensions()).is_ok())
            .collect();
        store.store_redacted(&picture, regions)
    };

    let mut published = 0;
    for (i, spec) in hand.iter().enumerate() {
        let stored = paint_store(spec.object_type, 1000 + i as u64)?;
        add_object(&mut tx, &auth, spec, &stored, pattern, true).await?;
        published += 1;
        bar.inc(1);
    }
    let mut pictures: Vec<(Motif, media::Stored)> = Vec::new();
    for i in 0..generated_count {
        let spec = generated(i, auth.events.len());
        let stored = match pictures.iter().filter(|(t, _)| *t == spec.object_type).nth(i / 10 % 2) {
            Some((_, stored)) if pictures.len() >= GENERATED_PICTURES => stored.clone(),
            _ => {
                let stored = paint_store(spec.object_type, 2000 + i as u64)?;
                pictures.push((spec.object_type, stored.clone()));
                stored
            }
        };
        add_object(&mut tx, &auth, &spec, &stored, pattern, true).await?;
        published += 1;
        bar.inc(1);
    }

    // Drafts: offers still being catalogued, with private notes that must never be public.
    let mut drafts = 0;
    for i in 0..4 {
        let mut spec = generated(1000 + i, auth.events.len());
        spec.title = t(
            &format!("Чарнавік: {}", spec.title.be),
            &format!("Draft: {}", spec.title.en),
            &format!("Черновик: {}", spec.title.ru),
        );
        let stored = paint_store(spec.object_type, 3000 + i as u64)?;
        add_object(&mut tx, &auth, &spec, &stored, pattern, false).await?;
        drafts += 1;
        bar.inc(1);
    }

    let cat = paint_store(Motif::Painting, 7)?;
    let cat = yakubovskaya_cat(&mut tx, &auth, &cat, pattern).await?;
    published += 1;
    bar.inc(1);
    let letter = paint_store(Motif::Letter, 8)?;
    let letter = add_object(&mut tx, &auth, &private_letter(), &letter, pattern, false).await?;
    drafts += 1;
    tx.commit().await?;
    register(db, cat, letter, pattern).await?;
    bar.inc(1);
    bar.finish_and_clear();
    Ok((published, drafts))
}

/// A letter that must never be published: accessioned all the same, as the registrar would.
fn private_letter() -> Spec {
    Spec {
        object_type: Motif::Letter,
        title: t(
            "Ліст палітвязня сям'і (не для публікацыі)",
            "A political prisoner's letter to their family (not for publication)",
            "Письмо политзаключённого семье (не для публикации)",
        ),
        description: Text3::default(),
        date: FuzzyDate::year(2023),
        maker: None,
        events: &[],
        materials: t("Папера, асадка", "Paper, ballpoint pen", "Бумага, шариковая ручка"),
        dimensions: "A5, 4 sheets",
        method: AcquisitionMethod::Gift,
        acquired: (2023, 6, 1),
        credit: (CreditChoice::Anonymous, ""),
        inscription: None,
        rights: None,
    }
}

/// The registrar's records of the demo: the cat's condition on arrival and its insurance
/// value, and the private letter accessioned by the acquisitions committee.
async fn register(db: &Databases, cat: i64, letter: i64, pattern: &AccessionPattern) -> anyhow::Result<()> {
    use crate::collection::command::{Actor, execute};
    use crate::collection::register::{Accession, AccessionAct, Condition, ReportCondition, ValuationPurpose, Value};
    let registrar = || Actor::staff("demo", crate::auth::Role::Curator);
    let on = date(2023, 1, 20);
    let notes = "Canvas taut, paint layer stable; light abrasion on the lower stretcher bar.".to_owned();
    let report = ReportCondition { object: cat, on, condition: Condition::Good, notes, photos: Vec::new() };
    execute(&db.writer, registrar(), report).await?;
    let value = Value {
        object: cat,
        on,
        amount_minor: 45_000,
        currency: "EUR".parse().map_err(anyhow::Error::msg)?,
        purpose: ValuationPurpose::Insurance,
        note: "The hammer price at the auction.".to_owned(),
    };
    execute(&db.writer, registrar(), value).await?;
    let act = AccessionAct {
        on: date(2023, 6, 2),
        method: Some(AcquisitionMethod::Gift),
        authority: "Acquisitions committee, minutes 2023/6".to_owned(),
    };
    execute(&db.writer, registrar(), Accession { id: letter, act, pattern: pattern.clone() }).await?;
    Ok(())
}

async fn add_object(
    conn: &mut SqliteConnection,
    auth: &Authorities,
    spec: &Spec,
    picture: &media::Stored,
    pattern: &AccessionPattern,
    publish_it: bool,
) -> anyhow::Result<i64> {
    let (y, m, d) = spec.acquired;
    let donor = crate::donors::create_donor(conn, spec.credit.0, spec.credit.1, date(y, m, d)).await?;
    let mut object = NewObject::new(spec.object_type.code(), spec.title.clone());
    object.description = spec.description.clone();
    object.materials = spec.materials.clone();
    object.dimensions = spec.dimensions.to_owned();
    object.date = spec.date;
    object.acquisition_method = Some(spec.method);
    object.acquired_on = Some(date(y, m, d));
    object.donor_id = Some(donor);
    object.internal_notes = "Checked for mould on arrival; condition good.".to_owned();
    object.rights = spec.rights.and_then(crate::collection::rights::Rights::parse);
    if let Some(inscription) = &spec.inscription {
        object.inscription = inscription.clone();
        object.inscription_public = true;
    }
    let created = objects::create_object(conn, &object, y).await?;
    if let Some(maker) = spec.maker {
        objects::link_maker(conn, created.id, auth.makers[maker]).await?;
    }
    for event in spec.events {
        if let Some(id) = auth.events.get(*event) {
            objects::link_event(conn, created.id, *id).await?;
        }
    }
    let mut made = NewProvenance::new(ProvenanceKind::Made, spec.date);
    made.is_public = true;
    if let Some(maker) = spec.maker {
        made.parties.push((PartyRole::Maker, PartyRef::Maker(auth.makers[maker])));
    }
    provenance::add_provenance(conn, created.id, &made).await?;
    whereabouts::move_object(conn, created.id, auth.store_room, date(y, m, d), true, "accession").await?;
    attach_image(conn, created.id, picture, &spec.title).await?;
    if publish_it {
        publish(conn, created.id, pattern, y).await?;
    }
    Ok(created.id)
}

/// The museum's own published example.
async fn yakubovskaya_cat(
    conn: &mut SqliteConnection,
    auth: &Authorities,
    picture: &media::Stored,
    pattern: &AccessionPattern,
) -> anyhow::Result<i64> {
    let deposited = date(2023, 1, 20);
    let ivan = crate::donors::create_donor(conn, CreditChoice::Name, "Ivan", deposited).await?;
    let title = t("Кот. З серыі «Каты»", "Cat, from the series “Cats”", "Кот. Из серии «Коты»");
    let mut object = NewObject::new(Motif::Painting.code(), title.clone());
    object.description = t(
        "Белы кот з чырвонымі палосамі — адна з карцін Вольгі Якубоўскай, чые бел-чырвона-белыя каты сталі знакам пратэсту. \
         Карціну прадалі на Калядным дабрачынным аўкцыёне Беларускай Рады культуры. Пакупнік перадаў яе музею на захоўванне.",
        "A white cat with red stripes: one of Olga Yakubovskaya's paintings whose white-red-white cats became a sign of the protest. \
         The painting was sold at the Belarusian Council of Culture's charity Christmas auction. Its buyer deposited it with the museum for safekeeping.",
        "Белый кот с красными полосами — одна из картин Ольги Якубовской, чьи бело-красно-белые коты стали знаком протеста. \
         Картину продали на Рождественском благотворительном аукционе Белорусского совета культуры. Покупатель передал её музею на хранение.",
    );
    object.materials = t("Палатно, алей", "Oil on canvas", "Холст, масло");
    object.dimensions = "40 × 50 cm".to_owned();
    object.date = FuzzyDate::circa(2021);
    object.acquisition_method = Some(AcquisitionMethod::Deposit);
    object.acquired_on = Some(deposited);
    object.acquisition_public = true;
    object.owner = Owner::Depositor;
    object.donor_id = Some(ivan.clone());
    object.internal_notes = "Deposit agreement signed; insurance value on file.".to_owned();
    let created = objects::create_object(conn, &object, 2023).await?;
    let maker = auth.makers[0];
    objects::link_maker(conn, created.id, maker).await?;
    objects::link_event(conn, created.id, auth.auction).await?;

    let mut made = NewProvenance::new(ProvenanceKind::Made, FuzzyDate::circa(2021));
    made.is_public = true;
    made.parties.push((PartyRole::Maker, PartyRef::Maker(maker)));
    provenance::add_provenance(conn, created.id, &made).await?;

    let mut auctioned = NewProvenance::new(ProvenanceKind::Auctioned, FuzzyDate::year(2022));
    auctioned.exact_date = Some(date(2022, 12, 18));
    auctioned.event_id = Some(auth.auction);
    auctioned.place_id = Some(auth.places[2]);
    auctioned.lot = "12".to_owned();
    auctioned.price_minor = Some(45_000);
    auctioned.currency = "EUR".to_owned();
    auctioned.is_public = true;
    auctioned.parties.push((PartyRole::Organiser, PartyRef::Organisation(auth.council)));
    provenance::add_provenance(conn, created.id, &auctioned).await?;

    let mut bought = NewProvenance::new(ProvenanceKind::Bought, FuzzyDate::year(2022));
    bought.exact_date = Some(date(2022, 12, 18));
    bought.is_public = true;
    bought.parties.push((PartyRole::Buyer, PartyRef::Donor(ivan.clone())));
    provenance::add_provenance(conn, created.id, &bought).await?;

    let mut deposit = NewProvenance::new(ProvenanceKind::Deposited, FuzzyDate::year(2023));
    deposit.exact_date = Some(deposited);
    deposit.is_public = true;
    deposit.note = t(
        "Перададзена на захоўванне; уладальнікам застаецца дэпазітар.",
        "Deposited for safekeeping; the depositor remains the owner.",
        "Передано на хранение; владельцем остаётся депонент.",
    );
    deposit.parties.push((PartyRole::Depositor, PartyRef::Donor(ivan)));
    deposit.parties.push((PartyRole::Receiver, PartyRef::Museum));
    provenance::add_provenance(conn, created.id, &deposit).await?;

    whereabouts::move_object(conn, created.id, auth.store_room, deposited, true, "deposit received").await?;
    attach_image(conn, created.id, picture, &title).await?;
    publish(conn, created.id, pattern, 2023).await?;
    Ok(created.id)
}

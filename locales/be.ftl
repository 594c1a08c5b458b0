# Беларускія радкі інтэрфейсу. Множны лік выбіраецца праз PLURAL() (ICU4X).

site-tagline = Прадметы беларускіх пратэстаў з 2020 года
skip-to-content = Перайсці да зместу
nav-label = Галоўнае меню
nav-home = Галоўная
nav-objects = Калекцыя
nav-makers = Аўтары
nav-events = Падзеі
lang-label = Мова
search-label = Пошук па калекцыі
search-placeholder = сцяг, стужка, кот…
search-button = Шукаць
footer-text = Музей Свабоднай Беларусі захоўвае прадметы мірнага пратэсту народа. Дарыльнікі застаюцца ананімнымі, калі хочуць.
footer-open-data = Гэты каталог працуе без JavaScript і нічога не загружае з іншых сайтаў.

objects-count = { PLURAL($count) ->
    [one] { $count } прадмет
    [few] { $count } прадметы
    [many] { $count } прадметаў
   *[other] { $count } прадмета
}
makers-count = { PLURAL($count) ->
    [one] { $count } аўтар
    [few] { $count } аўтары
    [many] { $count } аўтараў
   *[other] { $count } аўтара
}
events-count = { PLURAL($count) ->
    [one] { $count } падзея
    [few] { $count } падзеі
    [many] { $count } падзей
   *[other] { $count } падзеі
}

home-intro = Сцягі, пашытыя з прасцін, стужкі, значкі, плакаты, надрукаваныя ўначы, лісты з турмы: прадметы беларускіх пратэстаў з 2020 года, якія захоўваюцца ў выгнанні да дня, калі змогуць вярнуцца дадому.
home-recent = Новыя паступленні
home-browse = Па тыпах
home-all = Уся калекцыя

list-title = Калекцыя
list-search-title = Вынікі пошуку «{ $q }»
list-none = Нічога не знойдзена. Паспрабуйце менш слоў або прыбярыце фільтр.
list-filters = Удакладніць
list-active = Выбраныя фільтры
list-remove = Прыбраць фільтр
list-clear = Скінуць усё
facet-type = Тып
facet-maker = Аўтар
facet-event = Падзея
facet-year = Год
pagination-label = Старонкі
page-prev = Папярэдняя
page-next = Наступная
page-of = Старонка { $page } з { $last }

object-accession = Інвентарны нумар
object-makers = Аўтар
object-type = Тып
object-description = Апісанне
object-inscription = Надпіс
object-details = Звесткі
object-events = Звязаныя падзеі
object-provenance = Гісторыя прадмета
object-credit = Крэдыт
object-images = Выявы
object-no-image = Публічнай выявы пакуль няма
object-open-data = Адкрытыя даныя
object-iiif = IIIF-маніфест (для праглядальнікаў выяў, напрыклад Mirador)
object-open-image = Адкрыць вялікую выяву
object-lot = Лот { $lot }
object-price = Цана
field-date = Дата
field-materials = Матэрыялы
field-dimensions = Памеры
field-parts = Частак
field-acquisition = Паступленне
field-ownership = Уласнасць
ownership-deposit = На захоўванні: уладальнікам застаецца дэпазітар, музей — захавальнік.

credit-line-named = { $method ->
    [gift] Дар: { $name }
    [deposit] На захоўванні ад: { $name }
    [purchase] Набыта ў: { $name }
    [transfer] Перададзена: { $name }
   *[other] Дзякуючы: { $name }
}
credit-line-anonymous = { $method ->
    [gift] Дар ананімнага дарыльніка
    [deposit] На захоўванні ад ананімнага ўладальніка
   *[other] Ад ананімнага дарыльніка
}
donor-anonymous = ананімны дарыльнік
maker-anonymous = Невядомы аўтар

party-maker = аўтар
party-seller = прадавец
party-buyer = пакупнік
party-giver = дарыльнік
party-receiver = атрымальнік
party-depositor = дэпазітар
party-organiser = арганізатар
party-owner = уладальнік

authority-all = Усе прадметы ў калекцыі ({ $count })
authority-objects = Прадметы

type-painting = Карціна
type-poster = Плакат
type-flag = Сцяг
type-ribbon = Стужка
type-badge = Значок
type-banner = Расцяжка
type-clothing = Адзенне
type-letter = Ліст
type-photograph = Фотаздымак
type-document = Дакумент
type-other = Іншы прадмет

acquisition-gift = Дар
acquisition-purchase = Набыццё
acquisition-deposit = Перададзена на захоўванне
acquisition-transfer = Перадача
acquisition-found = Знаходка

state-draft = Чарнавік
state-published = Апублікавана
state-withdrawn = Знята з публікацыі

date-unknown = Дата невядомая
date-exact = дакладна
date-circa = каля
date-before = да
date-after = пасля
date-between = паміж

maker-kind-person = Асоба
maker-kind-collective = Калектыў
maker-kind-anonymous = Ананімна
maker-kind-pseudonym = Псеўданім

event-kind-protest = Пратэст
event-kind-march = Марш
event-kind-auction = Аўкцыён
event-kind-exhibition = Выстава

provenance-made = Створаны
provenance-exhibited = Выстаўляўся
provenance-auctioned = Прададзены на аўкцыёне
provenance-bought = Набыты
provenance-given = Падораны
provenance-deposited = Перададзены на захоўванне
provenance-moved = Перамешчаны
provenance-returned = Вернуты

credit-anonymous = Ананімна
credit-pseudonym = Псеўданім
credit-name = Імя

owner-museum = Музей
owner-depositor = Дэпазітар
owner-unknown = Невядома

error-heading = { $status ->
    [403] Не дазволена
    [404] Не знойдзена
    [400] Запыт немагчыма зразумець
   *[other] Нешта пайшло не так
}
error-not-found = Па гэтым адрасе нічога няма. Магчыма, прадмет не апублікаваны, або ў спасылцы памылка.
error-bad-filter = У адным з фільтраў значэнне, якога не існуе. Прыбярыце яго і паспрабуйце зноў.
error-bad-page = Нумар старонкі — цэлы лік ад 1.
error-bad-query = У адрасе ёсць сімвалы, якія немагчыма прачытаць.
error-internal = Сервер музея не змог адказаць. Нічога з дасланага не страчана; паспрабуйце пазней.
error-back = Вярнуцца да калекцыі

admin-login-title = Уваход для супрацоўнікаў
admin-login-failed = Імя карыстальніка, пароль або код няправільныя. Паспрабуйце яшчэ раз.
admin-username = Імя карыстальніка
admin-password = Пароль
admin-totp = Код з праграмы-аўтэнтыфікатара (калі вы яе наладзілі)
admin-login-button = Увайсці
admin-dashboard = Панэль куратара
admin-signed-in = Вы ўвайшлі як { $name }
admin-images-pending = Выявы рыхтуюцца
admin-jobs-failed = Няўдалыя задачы з выявамі
admin-logout = Выйсці
error-forbidden = Гэты запыт прыйшоў не са старонак музея, або форма састарэла. Вярніцеся, абнавіце старонку і паспрабуйце зноў.
totp-title = Другі фактар
totp-intro = Адсканіруйце гэты код праграмай-аўтэнтыфікатарам (напрыклад Aegis, FreeOTP або Google Authenticator) і ўвядзіце шасцізначны код, які яна пакажа. Адміністратары і ключнікі ўваходзяць толькі з кодам.
totp-qr-alt = QR-код з сакрэтам для праграмы-аўтэнтыфікатара
totp-secret = Або ўвядзіце гэты сакрэт у праграму:
totp-code = Шасцізначны код з праграмы
totp-confirm = Пацвердзіць
totp-wrong = Код няправільны. Праверце час на тэлефоне і паспрабуйце наступны код.
totp-done = Другі фактар наладжаны. Цяпер уваходзьце з кодам з праграмы.
totp-recovery = Коды аднаўлення: кожны спрацуе адзін раз, калі вы страціце тэлефон. Запішыце іх зараз: болей яны не будуць паказаныя.
totp-already = Другі фактар ужо наладжаны.

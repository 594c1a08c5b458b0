# Беларускія радкі інтэрфейсу. Множны лік выбіраецца праз PLURAL() (ICU4X).

site-tagline = Прадметы беларускіх пратэстаў з 2020 года
feed-title = новае ў калекцыі
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
iiif-holder = Захавальнік
object-rights = Правы
object-image-rights = Правы на гэты здымак
object-linked-art = Linked Art (JSON-LD, для даследчыкаў і агрэгатараў)
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
    [429] Зашмат запытаў
    [503] Часова зачынена
    [405] Па гэтым адрасе так нельга
   *[other] Нешта пайшло не так
}
error-not-found = Па гэтым адрасе нічога няма. Магчыма, прадмет не апублікаваны, або ў спасылцы памылка.
error-bad-filter = У адным з фільтраў значэнне, якога не існуе. Прыбярыце яго і паспрабуйце зноў.
error-bad-page = Нумар старонкі — цэлы лік ад 1.
error-bad-query = У адрасе ёсць сімвалы, якія немагчыма прачытаць.
error-bad-form = Форма даслала значэнне, якога няма сярод яе варыянтаў. Абнавіце старонку і паспрабуйце зноў.
error-method = Гэты адрас нельга выкарыстаць такім чынам: яго можна толькі чытаць або дасылаць на яго ўласную форму.
error-internal = Сервер музея не змог адказаць. Нічога з дасланага не страчана; паспрабуйце пазней.
error-back = Вярнуцца да калекцыі

admin-login-title = Уваход для супрацоўнікаў
admin-login-failed = Імя карыстальніка, пароль або код няправільныя. Паспрабуйце яшчэ раз.
admin-username = Імя карыстальніка
admin-password = Пароль
admin-totp = Код з праграмы-аўтэнтыфікатара або код аднаўлення (калі вы яго наладзілі)
admin-login-button = Увайсці
admin-login-resume = Ваш сеанс скончыўся, таму дасланая форма не захавалася. Увайдзіце зноў: пасля гэтага яе можна будзе даслаць яшчэ раз такой, як вы яе запоўнілі.
admin-resume-title = Даслаць форму яшчэ раз
admin-resume-intro = Вы зноў увайшлі. Форма, якую вы даслалі, калі сеанс ужо скончыўся, не захавалася: дашліце яе цяпер такой, як вы яе запоўнілі, або пакіньце.
admin-resume-what = Што ў форме
admin-resume-send = Даслаць форму яшчэ раз
admin-resume-skip = Пакінуць і перайсці ў панэль
admin-dashboard = Панэль куратара
admin-signed-in = Вы ўвайшлі як { $name }
admin-images-pending = Выявы рыхтуюцца
admin-jobs-failed = Няўдалыя задачы з выявамі
admin-logout = Выйсці
error-forbidden = Гэты запыт прыйшоў не са старонак музея, або форма састарэла. Вярніцеся, абнавіце старонку і паспрабуйце зноў.
error-not-allowed = Роля вашага ўліковага запісу не дазваляе гэтага тут — напрыклад, прадмет, апублікаваны пасля таго, як вы яго адкрылі, можа змяніць толькі куратар. Нічога не захавана.
totp-title = Другі фактар
totp-intro = Адсканіруйце гэты код праграмай-аўтэнтыфікатарам (напрыклад Aegis, FreeOTP або Google Authenticator) і ўвядзіце шасцізначны код, які яна пакажа. Куратары, ключнікі і адміністратары заўсёды ўваходзяць з кодам.
totp-qr-alt = QR-код з сакрэтам для праграмы-аўтэнтыфікатара
totp-secret = Або ўвядзіце гэты сакрэт у праграму:
totp-code = Шасцізначны код з праграмы
totp-confirm = Пацвердзіць
totp-wrong = Код няправільны. Праверце час на тэлефоне і паспрабуйце наступны код.
totp-done = Другі фактар наладжаны. Цяпер уваходзьце з кодам з праграмы.
totp-recovery = Коды аднаўлення: кожны спрацуе адзін раз, калі вы страціце тэлефон. Запішыце іх зараз: болей яны не будуць паказаныя.
totp-already = Другі фактар ужо наладжаны.

error-too-many = За апошнюю гадзіну адсюль ці ад усіх разам прыйшло зашмат запытаў. Нічога не захавана. Калі ласка, паспрабуйце пазней.
error-intake-closed = Музей зараз не можа прымаць прапановы. Нічога не захавана. Калі ласка, паспрабуйце пазней.
error-busy = Сервер музея зараз занадта заняты, каб адказаць. Нічога з дасланага не захавана; паспрабуйце зноў праз хвіліну.
nav-offer = Перадаць прадмет

upload-empty = Адзін з файлаў пусты.
upload-unsupported = Файлы тыпу { $n } не падыходзяць. Калі ласка, дасылайце фота ў JPEG, PNG або WebP.
upload-unsupported-heic = Фота ў фармаце HEIC (так здымае iPhone) не падыходзяць. Калі ласка, дасылайце JPEG, PNG або WebP: на iPhone выберыце Налады → Камера → Фарматы → Найбольш сумяшчальны або падзяліцеся фота як JPEG.
upload-not-image = Адзін з файлаў не фота. Калі ласка, дасылайце JPEG, PNG або WebP.
upload-corrupt = Адно з фота пашкоджанае або няпоўнае; калі ласка, дашліце яго яшчэ раз.
upload-too-large = Адно з фота завялікае ({ $n }). Калі ласка, дашліце меншае.
upload-file-too-big = Адзін з файлаў большы за { $n } МБ. Калі ласка, дашліце меншае фота.
upload-too-many = Зашмат файлаў: не больш за { $n } фота за раз.
upload-too-slow = Загрузка доўжылася занадта доўга і была спыненая. Калі ласка, паспрабуйце яшчэ раз.
offer-form-too-big = Форма завялікая, каб яе прачытаць. Калі ласка, скараціце тэксты і паспрабуйце яшчэ раз.

offer-title = Перадаць прадмет у музей
offer-lead = У вас ёсць карціна, плакат, сцяг, стужка, значок, ліст ці іншая рэч з беларускіх пратэстаў з 2020 года? Раскажыце нам пра яе.
offer-safety = Вам не трэба называць сваё імя. Гэтая старонка не ставіць cookie, і музей не запісвае ваш адрас ці браўзер. Вашая гісторыя і кантакт шыфруюцца ў момант атрымання, так што прачытаць іх могуць толькі захавальнікі ключоў музея, на ўласных камп'ютарах.
offer-tor = Калі вы ў Беларусі, калі ласка, карыстайцеся Tor Browser (torproject.org) і прыладай, якую ніхто іншы не правярае. Форма працуе з выключаным JavaScript.
offer-has-errors = Некаторыя палі патрабуюць увагі, яны пазначаныя ніжэй. Пакуль нічога не захавана.
offer-about-object = Прадмет
offer-staff-reads = Гэтую частку могуць чытаць супрацоўнікі музея.
offer-field-title = Што гэта?
offer-required = абавязкова
offer-help-title = Некалькі слоў, напрыклад «Бел-чырвона-белы сцяг з маршу 16 жніўня 2020».
offer-field-type = Від прадмета
offer-help-type = Выберыце найбліжэйшы; «не ведаю» — таксама добра.
offer-type-unsure = Не ведаю
offer-field-description = Апісанне
offer-help-description = Як ён выглядае, памер, стан.
offer-field-maker = Хто яго зрабіў, калі ведаеце
offer-help-maker = Імя, псеўданім або «невядома». Пакіньце пустым, калі гэта можа каму-небудзь пагражаць.
offer-sealed-legend = Запячатана: гэта могуць прачытаць толькі захавальнікі ключоў
offer-sealed-reads = Шыфруецца пры атрыманні ключамі захавальнікаў. Сервер не можа гэта прачытаць, і не змог бы той, хто захапіў бы сервер.
offer-field-story = Ваша гісторыя прадмета
offer-help-story = Як ён да вас трапіў, што ён значыў. Пішыце толькі тое, што вам камфортна.
offer-field-contact = Як з вамі звязацца (неабавязкова)
offer-help-contact = E-mail, імя ў Signal ці Telegram або нешта іншае. Пакіньце пустым, каб застацца недасяжным.
offer-credit-legend = Як вас пазначыць?
offer-credit-reads = Так публічны каталог будзе пісаць пра дарыльніка, калі прадмет пакажуць.
offer-credit-anonymous = Ананімна
offer-credit-pseudonym = Пад псеўданімам
offer-credit-name = Пад маім імем
offer-field-credit-name = Псеўданім або імя для подпісу
offer-help-credit-name = Патрэбна, толькі калі вы выбралі псеўданім або імя. Калі ніжэй вы не згодзіцеся, каб прадмет паказвалі, імя запячатваецца, як і ваш кантакт: прачытаць яго могуць толькі ахоўнікі ключоў музея на сваіх камп'ютарах.
offer-credit-sealed = пад імем, імя запячатана
offer-field-consent = Музей можа публічна паказваць прадмет і яго фота.
offer-photos-legend = Фота
offer-photos-reads = Фота бачаць супрацоўнікі музея. З кожнага фота перад захаваннем выдаляюцца звесткі пра месца, камеру і час.
offer-field-photos = Фота прадмета (неабавязкова)
offer-help-photos = Да { $n } фота, да { $mb } МБ кожнае, у JPEG, PNG або WebP. Фота HEIC з iPhone тут не прачытаць: выберыце «Найбольш сумяшчальны» ў наладах камеры або дашліце здымак экрана.
offer-photos-again = Дзеля вашай бяспекі выбраныя фота не захаваныя. Калі ласка, выберыце іх яшчэ раз.
offer-receipt-legend = Квітанцыя
offer-field-receipt = Дайце мне код квітанцыі, каб правяраць гэтую прапанову і чытаць адказы музея.
offer-help-receipt = Код паказваецца адзін раз. Хто яго знойдзе, зможа прачытаць адказы, таму захоўвайце яго ў надзейным месцы або не прасіце яго.
offer-submit = Даслаць прапанову
offer-status-link = Ужо нешта прапаноўвалі? Праверце па кодзе квітанцыі.
offer-error-title-missing = Калі ласка, некалькімі словамі напішыце, што гэта за прадмет.
offer-error-too-long = Занадта доўга: не больш за { $n } знакаў.
offer-error-choose = Калі ласка, выберыце адзін з варыянтаў.
offer-error-credit-name = Калі ласка, напішыце псеўданім або імя для подпісу або выберыце «Ананімна».
offer-error-expired = Тэрмін формы скончыўся. Нічога не захавана. Калі ласка, праверце напісанае і дашліце яшчэ раз.
offer-error-sent = Гэтую форму ўжо адправілі адзін раз, і хутчэй за ўсё яна дайшла: калі ласка, не дасылайце той самы прадмет зноў. Калі тады быў паказаны код квітка, паказаць яго другі раз нельга.

thanks-title = Дзякуй
thanks-lead = Ваша прапанова дайшла да музея. Хутка яе паглядзіць куратар.
thanks-entry = Яна зарэгістраваная як паступленне { $entry }.
thanks-receipt-heading = Ваш код квітанцыі
thanks-receipt-once = Запішыце яго зараз: ён больш не будзе паказаны, і музей не зможа яго аднавіць.
thanks-receipt-risk = Хто знойдзе гэты код, зможа ўбачыць стан прапановы і адказы музея. Захоўвайце яго там, куды ніхто іншы не зазірае.

status-title = Праверыць прапанову
status-lead = Увядзіце атрыманы код квітанцыі, каб убачыць стан прапановы і адказы музея.
status-field-receipt = Код квітанцыі
status-submit = Праверыць
status-state-heading = Стан
status-state-waiting = Чакае куратара.
status-state-accepted = Прынята ў музей. Дзякуй!
status-state-declined = Музей не змог узяць гэты прадмет.
status-replies-heading = Адказы музея
status-no-replies = Адказаў пакуль няма.
status-same-shape = Код з памылкай таксама паказвае «чакае» без адказаў: музей не кажа, якія коды існуюць.
status-error-format = Код квітанцыі мае 16 літар і лічбаў, напрыклад 7KQ4-M9XT-2HWP-R3CD.

role-admin = адміністратар
role-curator = куратар
role-keyholder = захавальнік ключа
role-volunteer = валанцёр
admin-nav-label = Панэль
admin-offers = Прапановы
admin-offers-waiting = Прапановы чакаюць
admin-offers-accepted = Прынятыя
admin-offers-declined = Адхіленыя
admin-offers-states = Прапановы паводле стану
admin-offers-none = Тут няма прапаноў.
admin-entry = Нумар паступлення
admin-received = Атрымана
admin-photo = Фота
admin-photo-of = Фота «{ $title }»
admin-photo-n = Фота { $n } «{ $title }»
admin-no-photos = Няма фота.
admin-reference = Спасылка (для запячатаных пакетаў)
admin-state = Стан
admin-consent = Дарыльнік згодны на публікацыю
admin-yes = так
admin-no = не
admin-sealed = Гісторыя і кантакт
admin-sealed-help = Запячатаныя для захавальнікаў ключоў; на гэтым серверы іх не прачытаць.
admin-receipt = Квітанцыя
admin-receipt-yes = У дарыльніка ёсць квітанцыя; дасланых адказаў: { $n }.
admin-receipt-no = Дарыльнік не прасіў квітанцыю: адказы не дойдуць да яго праз сайт.
admin-object = Прадмет
admin-decision = Рашэнне
admin-accept = Прыняць: стварыць чарнавік прадмета
admin-decline = Адхіліць
admin-decision-help = Прыняцце стварае чарнавік прадмета з гэтым нумарам паступлення і псеўданімны запіс дарыльніка. Адхіленне выдаляе фота; запячатаны запіс застаецца для захавальнікаў ключоў.
admin-offer-decided = Па гэтай прапанове ўжо ёсць рашэнне.
admin-reply-heading = Адказаць дарыльніку
admin-reply-label = Паведамленне
admin-reply-help = Запячатваецца для квітанцыі дарыльніка: прачытаць яго можа толькі дарыльнік, тут яно не захоўваецца ў чытэльным выглядзе. Не пішыце нічога, што пагражала б яму, калі б квітанцыю знайшлі.
admin-reply-send = Даслаць адказ
admin-reply-empty = Адказ пусты.
admin-reply-too-long = Адказ занадта доўгі.
admin-reply-no-receipt = Дарыльнік не прасіў квітанцыю, таму адказ не дойдзе да яго праз сайт.
admin-done-declined = Прапанова адхіленая.
admin-done-replied = Адказ запячатаны і захаваны.
admin-done-accepted = Прапанова прынятая: гэта чарнавік яе прадмета.
admin-bundle-legend = Спампаваць запячатаныя запісы
admin-bundle-help = Спампоўвае запячатаныя гісторыі і кантакты выбраных прапаноў, каб адкрыць іх на ўласным камп'ютары праз zbor contacts open. Кожнае спампоўванне запісваецца ў журнал аўдыту з вашай прычынай.
admin-bundle-reason-label = Прычына спампоўвання
admin-bundle-download = Спампаваць запячатаны пакет
admin-bundle-choose = Выбраць
admin-bundle-pick = Выбраць прапанову { $entry }
admin-bundle-none = Выберыце хаця б адну прапанову.
admin-bundle-reason = Калі ласка, назавіце прычыну (не больш за 500 знакаў).
admin-fingerprints = Ключы, якімі запячатваюцца кантакты дарыльнікаў
admin-fingerprints-help = Параўнайце іх з уласнымі ключамі захавальнікаў. Змяніць іх можна толькі ў файле атрымальнікаў на серверы, ніколі праз сайт.
admin-fingerprints-none = Няма файла атрымальнікаў: форма прапаноў зачыненая.
admin-internal-notes = Унутраныя нататкі
admin-public = публічнае
admin-private = прыватнае

admin-objects = Прадметы
admin-object-new = Новы прадмет
admin-objects-search = Словы з назвы або нумар
admin-all = Усе
admin-objects-count = { $n } { PLURAL($n) ->
    [one] прадмет
    [few] прадметы
   *[other] прадметаў
}
admin-title = Назва
admin-updated = Зменена
admin-objects-none = Няма адпаведных прадметаў.
admin-accession-on-publish = яшчэ не ўключаны ў фонды (публікацыя ўключае)
admin-preview = Праглядзець публічную старонку
admin-publish = Апублікаваць
admin-withdraw = Зняць з каталога
admin-volunteer-note = Валанцёры рыхтуюць чарнавікі; публікуе куратар.
admin-volunteer-locked = Гэты прадмет публічны: змяняць яго могуць толькі куратары.
admin-image-pending = Рыхтуецца…
admin-image-failed = Гэтае выява не атрымалася падрыхтаваць.
admin-primary = Галоўная выява
admin-done-created = Прадмет створаны як чарнавік.
admin-done-saved = Захавана.
admin-done-published = Апублікавана: прадмет у публічным каталогу.
admin-done-withdrawn = Знята з публічнага каталога.
admin-done-uploaded = Фота атрыманыя; іх памеры рыхтуюцца.
admin-done-photo = Фота абноўлена.
admin-done-provenance = Правенанс абноўлены.
edit-has-errors = Некаторыя палі патрабуюць увагі, яны пазначаныя ніжэй. Пакуль нічога не захавана.
edit-heading-object = Прадмет
edit-materials = Матэрыялы і тэхніка
edit-dimensions = Памеры
edit-parts = Колькасць частак
edit-date = Датаванне прадмета
edit-date-qualifier = Наколькі дакладна
edit-date-earliest = Год (або з)
edit-date-latest = Па год
edit-links = Аўтары і падзеі
edit-heading-private = Прыватнае, пакуль не адкрыта
edit-private-help = Гэтыя палі застаюцца прыватнымі, пакуль вы не адзначыце іх. Унутраныя нататкі ніколі не публічныя.
edit-inscription = Надпіс
edit-inscription-public = Паказваць надпіс публічна
edit-acquisition = Набыццё і ўласнасць
edit-acquisition-method = Як музей атрымаў прадмет
edit-not-set = Не ўказана
edit-acquired-on = Дата набыцця
edit-owner = Уласнік
edit-rights = Заява аб правах
edit-rights-help = Што іншыя могуць рабіць з выявамі і звесткамі прадмета: паказваецца на ягонай старонцы і трапляе ў IIIF і ўсе фарматы адкрытых даных. Здымак можа мець сваю.
edit-rights-collection = Заява калекцыі
edit-photo-rights = Правы на гэты здымак
edit-rights-object = Заява прадмета
edit-acquisition-public = Паказваць набыццё і ўласніка публічна
edit-notes-help = Толькі для супрацоўнікаў; ніколі не паказваюцца публічна.
edit-save = Захаваць
edit-create = Стварыць чарнавік
edit-alt = Тэкставая альтэрнатыва
edit-caption = Подпіс
edit-photo-public = Паказваць гэтае фота публічна
edit-up = Вышэй
edit-down = Ніжэй
edit-primary = Зрабіць галоўнай
edit-remove = Выдаліць
edit-add-photos = Дадаць фота
edit-photos-help = Можна некалькі адразу; JPEG, PNG або WebP. Метаданыя выдаляюцца; памеры рыхтуюцца ў фоне.
edit-upload = Загрузіць
edit-lot = Лот
edit-no-provenance = Правенанс яшчэ не запісаны.
edit-add-provenance = Дадаць у правенанс
edit-provenance-kind = Што адбылося
edit-exact-date = Дакладны дзень, калі вядомы
edit-event = Падзея (аўкцыён, выстава…)
edit-place = Месца
edit-price = Кошт
edit-currency = Валюта
edit-party-role = Роля ўдзельніка
edit-party = Удзельнік
edit-party-donor = Дарыльнік прадмета (як ён пажадаў быць пазначаным)
edit-note = Нататка
edit-provenance-public = Паказваць гэты крок публічна
edit-error-choose = Калі ласка, выберыце адзін з варыянтаў.
edit-error-title = Дайце назву хаця б на адной мове.
edit-error-too-long = Занадта доўга.
edit-error-year = Год — гэта чатыры лічбы, ад 1000 да 2200.
edit-error-year-order = Другі год раней за першы.
edit-error-day-outside-years = Дакладны дзень не трапляе ў гады гэтага кроку: выпраўце адно ці другое.
edit-error-year-missing = Укажыце год або выберыце «Дата невядомая».
edit-error-parts = Колькасць частак — цэлы лік ад 1.
edit-error-date = Дата пішацца ГГГГ-ММ-ДД.
edit-error-provenance-kind = Выберыце, што адбылося.
edit-error-price = Кошт — гэта лік, напрыклад 1250, 4 500 або 99,50: не больш за дзве лічбы пасля коскі ці кропкі, а тысячы — праз прабел (не праз коску).
edit-error-currency = Валюта — тры літары, напрыклад EUR.
edit-error-party = Гэтага ўдзельніка тут нельга ўказаць.
edit-error-below = Не захавана: глядзіце паведамленне каля формы ніжэй.
edit-error-party-role = Пазначце, якую ролю адыграў удзельнік (аўтар, прадавец, пакупнік…).
edit-error-back-before-exit = Дата чаканага вяртання не можа быць раней за дату, калі прадмет выбыў.
edit-error-gone = Таго, што выбрана ў форме, ужо няма (магчыма, іншы куратар толькі што яго выдаліў). Абнавіце старонку і выберыце зноў.
edit-error-not-published = Зняць можна толькі апублікаваны прадмет.
edit-error-already-published = Гэты прадмет ужо апублікаваны; нічога не зменена.
edit-error-stale = Нехта іншы захаваў гэты прадмет пасля таго, як вы яго адкрылі. Вашы змены ніжэй і не захаваныя; адкрыйце прадмет у іншай укладцы, каб пабачыць, які ён цяпер, і захавайце зноў, каб замяніць яго вашым.
edit-typed-heading = Што вы набралі
edit-typed-help = Гэта не захавана. Скапіруйце і перадайце куратару: ён можа ўнесці змену.
authority-error-stale = Нехта іншы захаваў гэты запіс пасля таго, як вы яго адкрылі. Вашы змены ніжэй і не захаваныя; адкрыйце яго ў іншай укладцы, каб пабачыць, які ён цяпер, і захавайце зноў, каб замяніць яго вашым.
preview-banner = Папярэдні прагляд: менавіта так будзе выглядаць публічная старонка пасля публікацыі. Яна не публічная.

admin-users = Уліковыя запісы
admin-audit = Журнал аўдыту
admin-account = Мой уліковы запіс
account-changed = Пароль зменены, і ўсе сеансы завершаныя. Увайдзіце з новым паролем.
account-password-heading = Змяніць пароль
account-password-help = Змена пароля завяршае ўсе сеансы гэтага ўліковага запісу на ўсіх прыладах, і гэты таксама.
account-current = Цяперашні пароль
account-new = Новы пароль
account-repeat = Новы пароль яшчэ раз
account-change = Змяніць пароль
account-totp = Другі фактар (праграма-аўтэнтыфікатар)
account-error-repeat = Два новыя паролі не супадаюць.
account-error-current = Цяперашні пароль няправільны.
account-error-length = Пароль павінен мець не менш за { $n } знакаў (і не больш за 256).
users-role = Роля
users-second-factor = Другі фактар
users-actions = Змены
users-disabled = адключаны
users-active = дзейны
users-set-role = Задаць ролю
users-enable = Уключыць
users-disable = Адключыць
users-reset-totp = Выдаліць другі фактар
users-add = Дадаць уліковы запіс
users-initial-password = Першы пароль (яго трэба будзе змяніць)
users-done-added = Уліковы запіс дададзены.
users-done-changed = Уліковы запіс зменены; яго сеансы завершаныя.
users-error-username = Імя карыстальніка мае ад 2 да 64 літар, лічбаў, кропак, злучкоў або падкрэсліванняў.
users-error-exists = Уліковы запіс з такім імем ужо ёсць.
users-error-self = Нельга адключыць свой уліковы запіс або змяніць сваю ролю.
audit-help = Кожны ўваход, змена, публікацыя, выдаленне, змена ўліковага запісу і спампоўванне запячатанага пакета, звязаныя хэшамі ад першага да апошняга. Тут нічога нельга змяніць.
audit-actor = Хто
audit-action = Дзеянне
audit-q = Словы ў аб'екце або падрабязнасцях
audit-from = З
audit-to = Па
audit-count = { $n } { PLURAL($n) ->
    [one] запіс
    [few] запісы
   *[other] запісаў
}
audit-when = Калі (UTC)
audit-target = Аб'ект дзеяння
audit-details = Падрабязнасці

admin-authorities = Даведнікі
authorities-makers = Аўтары
authorities-organisations = Арганізацыі
authorities-places = Месцы
authorities-events = Падзеі
authorities-types = Тыпы прадметаў
authority-kind = Від
authority-name-be = Назва па-беларуску
authority-name-en = Назва па-англійску
authority-name-ru = Назва па-руску
authority-bio-be = Пра аўтара, па-беларуску
authority-bio-en = Пра аўтара, па-англійску
authority-bio-ru = Пра аўтара, па-руску
authority-description-be = Апісанне па-беларуску
authority-description-en = Апісанне па-англійску
authority-description-ru = Апісанне па-руску
authority-private-notes = Прыватныя нататкі
authority-starts-on = Пачатак (ГГГГ, ГГГГ-ММ або ГГГГ-ММ-ДД)
authority-ends-on = Канец (ГГГГ, ГГГГ-ММ або ГГГГ-ММ-ДД)
authority-place = Месца
authority-organisation = Арганізатар
authority-error-date = Пішыце дату як ГГГГ, ГГГГ-ММ або ГГГГ-ММ-ДД.
authority-error-ends-before = Падзея не можа скончыцца раней, чым пачалася.
authority-error-name = Дайце назву хаця б на адной мове.
authority-code = Код у вэб-адрасах (a–z, 0–9 і -)
authority-code-help = Ёсць у адрасах накшталт /objects?type=flag, таму задаецца адзін раз і больш не мяняецца.
authority-error-code = Ад 1 да 40 малых лацінскіх літар, лічбаў або злучкоў.
authority-error-code-taken = Гэты код ужо заняты.
authority-error-name-each = Дайце назву і на гэтай мове: тыпы паказваюцца на ўсіх трох.
authority-uses = ужыта { $n } { PLURAL($n) ->
    [one] раз
    [few] разы
   *[other] разоў
}
authority-none = Пакуль нічога.
authority-new = Дадаць новы
authority-edit = Змяніць
authority-create = Дадаць
authority-locked = Змена існага запісу можа змяніць апублікаваныя старонкі: звярніцеся да куратара.
authority-done-created = Дададзена.
authority-done-saved = Захавана.

admin-locations = Сховішча
locations-help = Дзе захоўваюцца прадметы. Ніколі не публічна.
location-name = Месца захоўвання
location-notes = Нататкі
location-objects = Прадметаў там цяпер
location-error-name = Дайце месцу назву (не больш за 200 знакаў).
location-error-exists = Месца з такой назвай ужо ёсць.
location-heading = Месца і перамяшчэнні
location-private = Прыватна: ніколі не паказваецца публічна.
location-current = Цяпер
location-normal = Звычайнае месца
location-history = Перамяшчэнні
location-move = Запісаць перамяшчэнне
location-moved-on = Дата
location-reason = Чаму
location-is-normal = Гэта яго звычайнае месца
location-add-first = Спачатку дадайце месца захоўвання
exit-heading = Выбыцці
exit-record = Запісаць выбыццё
exit-kind = Від выбыцця
exit-on = Дата
exit-expected-back = чакаецца назад
exit-return = Вернута ўласніку
exit-loan_out = Выдадзена на часовае захоўванне
exit-disposal = Спісана
admin-done-moved = Перамяшчэнне запісанае.
admin-done-exit = Выбыццё запісанае.

admin-recent = Нядаўна змененыя
edit-add-authority = Няма ў спісе? Дадайце аўтара, падзею або тып прадмета ў Даведніках (адкрыецца ў новай укладцы), потым перазагрузіце гэтую старонку.
edit-error-consent = Дарыльнік не згадзіўся на публікацыю. Публікуйце толькі пасля таго, як ён пагадзіўся, і адзначце гэта (запісваецца ў журнал аўдыту).
edit-consent-confirm = Дарыльнік пасля пагадзіўся на публікацыю
edit-add-authority-below = Няма ў спісе? Дадайце аўтара, падзею або тып ніжэй: яны адразу звяжуцца з гэтым прадметам.
edit-new-links = Новы аўтар, падзея або тып
edit-new-maker = Новы аўтар гэтага прадмета
edit-new-maker-add = Дадаць аўтара і звязаць
edit-new-event = Новая падзея для гэтага прадмета
edit-new-event-add = Дадаць падзею і звязаць
edit-new-type = Новы тып для гэтага прадмета
edit-new-type-add = Дадаць тып і прызначыць яго прадмету
totp-start = Наладзіць другі фактар
admin-delete-heading = Выдаліць гэтую прапанову
admin-delete-help = Для спаму і памылак: прапанова, яе фота і запячатаны запіс дарыцеля выдаляюцца назаўсёды; журнал аўдыту захоўвае толькі яе ўваходны нумар.
admin-delete = Выдаліць назаўсёды
admin-delete-confirm = Я разумею: прапанову, яе фота і запячатаны запіс вярнуць будзе немагчыма.
admin-delete-unconfirmed = Нічога не выдалена: пастаўце адзнаку, каб пацвердзіць, што прапанова выдаляецца назаўсёды.
admin-offer-accepted-kept = Прынятая прапанова застаецца ў рэестры паступленняў; яе запячатаны запіс выдаляецца пасля тэрміну захоўвання.
admin-done-deleted = Прапанова выдаленая.
admin-answers = Адказы дарыцеля
admin-answers-count = { $n } запячатана, для наступнага пакета ахоўнікаў ключоў
status-field-answer = Ваш адказ музею (неабавязкова)
status-help-answer = Адкажыце тут на пытанне куратара, з кодам квітанцыі вышэй. Адказ запячатваецца, як і ваша гісторыя: прачытаць яго могуць толькі ахоўнікі ключоў музея на сваіх камп'ютарах.
status-answer-sent = Ваш адказ запячатаны і адпраўлены.
upload-busy = Музей цяпер атрымлівае шмат фота. Калі ласка, паспрабуйце праз некалькі хвілін.

## The static mirror (zbor export-site)
mirror-choose-language = Чытаць каталог па-беларуску
mirror-search-heading = Пошук у гэтай копіі каталога
mirror-search-intro = Гэтая копія каталога шукае ў вашым браўзеры: па назвах, аўтарах, падзеях і гадах. Без JavaScript праглядайце прадметы па тыпе, аўтары, падзеі або годзе.
mirror-search-found = Знойдзена прадметаў:
mirror-search-none = Нічога не знойдзена. Паспрабуйце менш словаў або карацейшыя, або праглядайце па тыпе, аўтары, падзеі або годзе.
# Redaction
redact-link = Схаваць твары і імёны…
redact-count = схаваных абласцей: { $n }
redact-suggested-count = Прапанаваных твараў для праверкі: { $n }
redact-title = Схаваць на фота { $n } прадмета { $title }
redact-help = Адзначце кожны твар, імя, нумар ці нумарны знак, якіх нельга бачыць. Кожная вобласць знішчаецца ў пікселях усіх публічных памераў гэтага фота (суцэльная заліўка або буйныя блокі для твараў); арыгінал застаецца закрытым, і супрацоўнікі бачаць яго тут з абведзенымі абласцямі.
redact-done = Вобласці захаваныя. Публічныя памеры робяцца нанова; старых больш няма.
redact-master-alt = Фота { $n } прадмета { $title }, арыгінал, з абведзенымі абласцямі
redact-master-caption = Арыгінал, { $w } × { $h } пікселяў.
redact-draw-help = Правядзіце па фота, каб запоўніць лічбы, потым дадайце вобласць.
redact-add = Дадаць вобласць
redact-add-button = Дадаць вобласць
redact-shape = Форма
redact-shape-rect = Прамавугольнік
redact-shape-ellipse = Эліпс
redact-kind = Што хавае
redact-kind-face = Твар
redact-kind-text = Імя або тэкст
redact-kind-plate = Нумарны знак
redact-kind-other = Іншае
redact-method = Як
redact-method-help = Буйныя блокі — толькі для твараў; тэкст заўсёды заліваецца, бо размыты або пікселізаваны тэкст можна прачытаць.
redact-method-fill = Суцэльная заліўка
redact-method-pixelate = Буйныя блокі (твары)
redact-coordinates-help = У пікселях арыгінала ({ $w } × { $h }): левы край, верхні край, шырыня і вышыня.
redact-field-x = Злева (x)
redact-field-y = Зверху (y)
redact-field-w = Шырыня
redact-field-h = Вышыня
redact-regions = Вобласці
redact-where = Дзе
redact-actions = Дзеянні
redact-suggested = Прапанавана, не праверана
redact-reviewed = Адзначана
redact-accept = Пацвердзіць
redact-none = Абласцей пакуль няма: публічныя памеры паказваюць усё фота.
redact-public = Што бачыць публіка
redact-public-alt = Фота { $n } прадмета { $title }, як яго бачыць публіка, са схаванымі абласцямі
redact-error-unknown = Не атрымалася прачытаць вобласць: выберыце форму, што яна хавае і спосаб, і ўвядзіце чатыры цэлыя лікі.
redact-error-outside = Вобласць мусіць ляжаць унутры фота і быць не меншай за адзін піксель.
redact-error-pixelate = Блокамі можна закрываць толькі твары; імёны, тэкст і нумары заўсёды заліваюцца.
edit-photos-checked = Я праверыў(ла) кожнае фота на твары, імёны і нумары і адзначыў(ла), што трэба схаваць (запісваецца ў журнал аўдыту)
edit-photo-checked = Я праверыў(ла) гэтае фота на твары, імёны і нумары
edit-error-photos-check = Гэты прадмет паказвае людзей або мае прапанаваныя твары, якія ніхто не праверыў. Праверце фота, адзначце, што трэба схаваць, і пастаўце адзнаку.
authority-shows-people = Яго прадметы паказваюць людзей
authority-shows-people-0 = Не
authority-shows-people-1 = Так: публікацыя патрабуе праверыць фота на твары і імёны
redact-error-too-many = У гэтага фота ўжо столькі абласцей, колькі можна (200). Выдаліце некаторыя або закрыйце некалькі твараў адной большай вобласцю.
redact-public-warning = Гэтае фота публічнае. Схаванне адразу замяняе ўсе памеры, якія паказвае гэты сервер, але копіі, якія іншыя захавалі раней (браўзеры, агрэгатары, апублікаваныя вамі люстэркі), не вяртаюцца: папрасіце іх выдаліць або абнавіць фота.

## The registrar's procedures
admin-register = Кніга паступленняў
admin-done-accessioned = Прадмет уключаны ў фонды: яго нумар у кнізе паступленняў.
admin-done-deaccessioned = Прадмет выключаны з фондаў. Яго нумар застаецца ў кнізе, з адзнакай.
admin-done-condition = Справаздача пра стан запісаная.
admin-done-valuation = Ацэнка запісаная.
register-heading = Кніга паступленняў
register-private = Кніга паступленняў, справаздачы пра стан і ацэнкі — прыватныя: яны ніколі не трапляюць на публічныя старонкі і ў адкрытыя даныя.
register-accessioned-on = Уключаны ў фонды
register-method = Спосаб набыцця
register-authority = Хто вырашыў
register-authority-help = Хто прыняў рашэнне і дзе яно запісанае (напрыклад, «Фондава-закупачная камісія, пратакол ад 12 сакавіка 2026»).
register-deaccessioned = Выключаны з фондаў
register-reason = Прычына
register-deaccession-authority = Хто вырашыў выключыць
register-deaccession = Выключыць прадмет з фондаў
register-deaccession-help = Інвентарны нумар больш ніколі не выдаецца; ён застаецца ў кнізе з адзнакай пра выключэнне. Апублікаваны прадмет здымаецца з публікацыі і больш ніколі не можа быць апублікаваны.
register-date = Дата
register-disposal = Спосаб выбыцця
register-not-accessioned = Не ўключаны ў фонды: прадмет яшчэ не частка калекцыі. Уключэнне ў фонды і публікацыя — розныя дзеянні; прадмет можна ўключыць і ніколі не публікаваць.
register-accession = Уключыць у фонды
register-page-help = Усе інвентарныя нумары, калі-небудзь выдадзеныя, па парадку. Нумары ніколі не выкарыстоўваюцца паўторна; выключаныя прадметы захоўваюць свае, з адзнакай.
register-csv = Спампаваць кнігу (CSV)
register-status = Стан
register-empty = Ніводны прадмет яшчэ не ўключаны ў фонды.
register-error-accessioned = Гэты прадмет ужо ўключаны ў фонды; яго нумар нельга змяніць.
register-error-not-accessioned = Выключыць з фондаў можна толькі ўключаны ў іх прадмет.
register-error-deaccessioned = Гэты прадмет выключаны з фондаў: яго нельга апублікаваць або выключыць зноў.
register-error-future = Дата не можа быць у будучыні.
register-error-before-accession = Выключэнне не можа быць раней за ўключэнне.
register-error-before-acquisition = Уключэнне ў фонд не можа быць раней за набыццё прадмета (гл. дату набыцця): праверце год — нумар захоўвае яго назаўсёды.
register-error-reason = Пакажыце прычыну (да 2000 знакаў).
register-error-authority = Пакажыце, хто вырашыў (да 2000 знакаў).
disposal-return = Вернуты ўласніку
disposal-transfer = Перададзены іншай установе
disposal-sale = Прададзены
disposal-exchange = Абменены
disposal-destruction = Знішчаны
disposal-loss = Згублены або скрадзены
disposal-other = Іншае
condition-heading = Стан захаванасці
condition-current = Цяперашні стан
condition-never = не правяраўся
condition-good = Добры
condition-fair = Задавальняючы
condition-poor = Дрэнны
condition-unacceptable = Недапушчальны
condition-checked-by = праверыў(ла)
condition-photo-alt = Фота стану { $n }, справаздача ад
condition-add = Запісаць справаздачу пра стан
condition-checked-on = Дата праверкі
condition-label = Стан
condition-notes = Нататкі
condition-photos = Фота (неабавязкова)
condition-photos-help = Ачышчаюцца ад усіх метаданых, як кожны здымак, і ніколі не публічныя.
valuation-heading = Ацэнка
valuation-private = Ацэнкі бачаць толькі куратары, ключнікі і адміністратары; яны ніколі не пакідаюць панэль.
valuation-on = Дата ацэнкі
valuation-amount = Сума
valuation-purpose = Мэта
valuation-by = Запісаў(ла)
valuation-none = Ацэнак няма.
valuation-add = Запісаць ацэнку
valuation-insurance = Страхаванне
valuation-acquisition = Набыццё
valuation-market = Рынкавы кошт
history-link = Гісторыя
history-heading = Гісторыя
history-help = Усе запісаныя змены гэтага прадмета, ад самай старой, са старымі і новымі значэннямі, з журнала аўдыту.
history-empty = Пакуль нічога не запісана.

# Inventory (stocktakes)
admin-stocktakes = Інвентарызацыя
stocktake-help = Інвентарызацыя пералічвае прадметы, якія паводле запісаў знаходзяцца ў адным месцы. Адзначце знойдзенае, дадайце тое, што знайшлося тут, але запісана ў іншым месцы, і закрыйце яе, каб убачыць, чаго не хапае і што не на сваім месцы. Месцы і інвентарызацыі ніколі не публічныя.
stocktake-started = Пачата
stocktake-closed = Закрыта
stocktake-expected = Чакалася
stocktake-found = Знойдзена
stocktake-missing = Не хапае
stocktake-out-of-place = Не на сваім месцы
stocktake-open = адкрытая
stocktake-none = Інвентарызацый яшчэ не было.
stocktake-start = Пачаць інвентарызацыю
stocktake-note = Нататка
stocktake-heading = Інвентарызацыя: { $location }
stocktake-done-started = Інвентарызацыя пачата: у спісе ўсе прадметы, запісаныя тут.
stocktake-done-ticked = Захавана.
stocktake-done-closed = Інвентарызацыя закрыта.
stocktake-csv = Спампаваць справаздачу (CSV)
stocktake-status = Стан
stocktake-recorded-at = Месца паводле запісаў
stocktake-item-found = знойдзены
stocktake-item-missing = не знойдзены
stocktake-item-out-of-place = знойдзены тут, запісаны ў іншым месцы
stocktake-item-not-found = дададзены, потым не знойдзены
stocktake-empty = Тут не запісаны ніводны прадмет.
stocktake-number = Знайшлі тое, чаго няма ў спісе? Ягоны нумар
stocktake-number-help = Інвентарны або ўваходны нумар з этыкеткі.
stocktake-save = Захаваць знойдзенае
stocktake-close = Закрыць інвентарызацыю
stocktake-close-help = Знойдзенае становіцца канчатковым; неадзначаныя прадметы лічацца адсутнымі.
stocktake-error-open = У гэтага месца ўжо ёсць адкрытая інвентарызацыя: спачатку скончыце яе.
stocktake-error-unknown = Няма прадмета з такім нумарам.
stocktake-error-closed = Гэтая інвентарызацыя закрыта; нічога не змянілася.
stocktake-error-before-start = Інвентарызацыя не можа закрыцца раней, чым пачалася.

# Batch editing
batch-done = Групавая змена захавана. Зменена прадметаў: { $n }. Гісторыя кожнага яе паказвае.
batch-select = Выбраць
batch-legend = Змяніць выбраныя прадметы
batch-help = Адзначце прадметы ў спісе або ўсе вынікі гэтага пошуку, выберыце адну змену і паглядзіце, што яна зробіць: нічога не зменіцца, пакуль вы не пацвердзіце. Прадметы, якія правіла не дазваляе змяніць (згода дарыльніка, здымкі для праверкі, выключэнне з фондаў), будуць названыя і застануцца як ёсць.
batch-all = Усе вынікі гэтага пошуку ({ $n })
batch-change-type = Задаць тып
batch-change-event = Звязаць з падзеяй
batch-change-maker = Дадаць аўтара
batch-change-location = Перамясціць у месца
batch-change-rights = Задаць заяву аб правах
batch-change-stocktake = Дадаць у адкрытую інвентарызацыю
batch-change-publish = Апублікаваць
batch-change-withdraw = Зняць з каталога
batch-preview = Паглядзець змену
batch-heading = Групавая змена: прагляд
batch-back = Назад да спісу, нічога не мяняючы
batch-summary = Зменіцца прадметаў: { $n } з { $total }.
batch-result = Што адбудзецца
batch-will-change = зменіцца
batch-no-change = ужо так: без зменаў
batch-refused = застанецца як ёсць
batch-confirm = Змяніць { $n } зараз
batch-error-none = Адзначце хоць адзін прадмет або ўсе вынікі пошуку.
batch-error-too-many = Зашмат прадметаў для адной змены: звузьце пошук.
batch-error-change = Выберыце, якую змену зрабіць.
batch-error-not-allowed = ваша роля не можа яго змяніць
batch-error-not-found = яго больш няма

# Loans
admin-loans = Пазыкі
loans-help = Пазыкі ўваходныя і выходныя: з арганізацыяй, для выставы, паводле дамовы. Адпраўка і атрыманне запісваюць выхады і перамяшчэнні прадметаў; выходная пазыка патрабуе справаздачы пра стан кожнага прадмета пры адпраўцы і пасля вяртання. Пазыкі ніколі не публічныя, хоць прадмет у пазыцы можа заставацца ў каталогу.
loans-none = Пазык яшчэ не было.
loans-active = Бягучыя пазыкі
loan-direction = Кірунак
loan-direction-in = Уваходная пазыка
loan-direction-out = Выходная пазыка
loan-status = Стан
loan-status-requested = запытаная
loan-status-agreed = узгодненая
loan-status-active = ідзе
loan-status-returned = вернутая
loan-status-cancelled = скасаваная
loan-organisation = Пазыкадаўца або пазычальнік
loan-purpose = Мэта (выстава)
loan-reference = Нумар дамовы
loan-dates = Узгодненыя даты
loan-starts-on = З
loan-ends-on = Да (вяртанне)
loan-until = да
loan-insurance = Страхавая вартасць
loan-currency = Валюта (код ISO)
loan-conditions = Умовы экспанавання
loan-objects = Прадметы
loan-objects-n = Прадметаў: { $n }
loan-overdue = тэрмін прайшоў
loan-new = Новая пазыка
loan-create = Запісаць пазыку
loan-need-organisation = Спачатку дадайце пазыкадаўцу або пазычальніка як арганізацыю
loan-sent-on-out = Пакінула музей
loan-sent-on-in = Прыбыла
loan-returned-on = Вернута
loan-created = Запісана
loan-last-condition = Апошняя справаздача пра стан
loan-no-objects = У гэтай пазыцы яшчэ няма прадметаў.
loan-add-object = Дадаць прадмет па нумары
loan-add = Дадаць
loan-add-help = Або адзначце прадметы ў спісе і выберыце «Аддаць у пазыку».
loan-next = Наступны крок
loan-condition-help = Кожны прадмет мае мець справаздачу пра стан, зробленую пасля афармлення пазыкі, перад адпраўкай, і яшчэ адну пасля адпраўкі, перад вяртаннем.
loan-step-agree = Дамова падпісана
loan-step-date = Дата
loan-step-location = У месца
loan-step-send-out = Прадметы адпраўлены
loan-step-send-in = Прадметы прыбылі
loan-step-return-out = Прадметы вярнуліся
loan-step-return-in = Прадметы вернуты пазыкадаўцу
loan-step-cancel = Скасаваць пазыку
loan-done-created = Пазыка запісана. Дадайце прадметы.
loan-done-added = Прадмет дададзены.
loan-done-agreed = Дамова запісана.
loan-done-sent = Запісана, з выхадам ці перамяшчэннем кожнага прадмета.
loan-done-returned = Вяртанне запісана, з перамяшчэннем ці выхадам кожнага прадмета.
loan-done-cancelled = Пазыка скасавана.
loan-error-dates = Даты ў няправільным парадку.
loan-error-started = Прадметы можна дадаваць, толькі пакуль пазыка афармляецца.
loan-error-on-another = Гэты прадмет ужо ў іншай пазыцы.
loan-error-step = Гэты крок не вынікае з цяперашняга стану пазыкі; нічога не змянілася.
loan-error-no-objects = Пазыка без прадметаў не можа пачацца.
loan-error-condition = Спачатку кожны прадмет мае атрымаць новую справаздачу пра стан (гл. спіс вышэй).
batch-change-loan = Аддаць у пазыку

# The collection as a table
csv-heading = Калекцыя як табліца (CSV)
csv-help = Спампуйце ўсе прадметы з усімі палямі на трох мовах, змяніце ў электроннай табліцы і адпраўце назад. Радкі супастаўляюцца па ўваходным (або інвентарным) нумары; змяняюцца толькі слупкі, якія ёсць у файле, таму прыбярыце прыватныя, каб пакінуць іх як ёсць. Файл з хоць адным памылковым радком нічога не змяняе і называе радок. Спачатку праверце: пры праверцы нічога не запісваецца.
csv-download = Спампаваць усе прадметы (CSV)
csv-file = Табліца (CSV; коска, кропка з коскай або табуляцыя)
csv-dry-run = Толькі праверыць (нічога не запісваецца)
csv-send = Адправіць табліцу
csv-line = Радок { $line }
csv-line-heading = Радок
csv-what = Што змяняецца
csv-checked = Праверана: памылак няма. Зменіцца прадметаў: { $n }. Зніміце «Толькі праверыць» і адпраўце файл зноў, каб імпартаваць.
csv-imported = Імпартавана. Зменена прадметаў: { $n }; гісторыя кожнага гэта паказвае.
csv-has-errors = Радкоў з памылкамі: { $n }. Нічога не запісана; выпраўце іх і адпраўце файл зноў.
csv-error-column = гэты слупок не з zbor
csv-error-column-twice = гэты слупок ёсць двойчы
csv-error-no-key = табліца мае мець слупок entry_number або accession_number
csv-error-encoding = файл не з'яўляецца табліцай CSV у UTF-8
csv-error-cells = у гэтым радку іншая колькасць ячэек, чым у загалоўку
csv-error-not-found = няма прадмета з такім нумарам
csv-error-twice = гэты прадмет ёсць у табліцы двойчы
csv-error-rows = У некаторых радках памылкі: нічога не запісана.
csv-error-no-file = Выберыце файл CSV.
csv-error-numbers = яго інвентарны нумар не той, што ў прадмета з гэтым уваходным нумарам

# Русские строки интерфейса. Множественное число выбирается через PLURAL() (ICU4X).

site-tagline = Предметы белорусских протестов с 2020 года
skip-to-content = Перейти к содержанию
nav-label = Главное меню
nav-home = Главная
nav-objects = Коллекция
nav-makers = Авторы
nav-events = События
lang-label = Язык
search-label = Поиск по коллекции
search-placeholder = флаг, лента, кот…
search-button = Искать
footer-text = Музей Свободной Беларуси хранит предметы мирного протеста народа. Дарители остаются анонимными, если хотят.
footer-open-data = Этот каталог работает без JavaScript и ничего не загружает с других сайтов.

objects-count = { PLURAL($count) ->
    [one] { $count } предмет
    [few] { $count } предмета
    [many] { $count } предметов
   *[other] { $count } предмета
}
makers-count = { PLURAL($count) ->
    [one] { $count } автор
    [few] { $count } автора
    [many] { $count } авторов
   *[other] { $count } автора
}
events-count = { PLURAL($count) ->
    [one] { $count } событие
    [few] { $count } события
    [many] { $count } событий
   *[other] { $count } события
}

home-intro = Флаги, сшитые из простыней, ленты, значки, плакаты, напечатанные ночью, письма из тюрьмы: предметы белорусских протестов с 2020 года, которые хранятся в изгнании до дня, когда смогут вернуться домой.
home-recent = Новые поступления
home-browse = По типам
home-all = Вся коллекция

list-title = Коллекция
list-search-title = Результаты поиска «{ $q }»
list-none = Ничего не найдено. Попробуйте меньше слов или уберите фильтр.
list-filters = Уточнить
list-active = Выбранные фильтры
list-remove = Убрать фильтр
list-clear = Сбросить всё
facet-type = Тип
facet-maker = Автор
facet-event = Событие
facet-year = Год
pagination-label = Страницы
page-prev = Предыдущая
page-next = Следующая
page-of = Страница { $page } из { $last }

object-accession = Инвентарный номер
object-makers = Автор
object-type = Тип
object-description = Описание
object-inscription = Надпись
object-details = Сведения
object-events = Связанные события
object-provenance = История предмета
object-credit = Кредит
object-images = Изображения
object-no-image = Публичного изображения пока нет
object-open-data = Открытые данные
object-iiif = IIIF-манифест (для просмотрщиков изображений, например Mirador)
object-open-image = Открыть большое изображение
object-lot = Лот { $lot }
object-price = Цена
field-date = Дата
field-materials = Материалы
field-dimensions = Размеры
field-parts = Частей
field-acquisition = Поступление
field-ownership = Собственность
ownership-deposit = На хранении: владельцем остаётся депонент, музей — хранитель.

credit-line-named = { $method ->
    [gift] Дар: { $name }
    [deposit] На хранении от: { $name }
    [purchase] Куплено у: { $name }
    [transfer] Передано: { $name }
   *[other] Благодаря: { $name }
}
credit-line-anonymous = { $method ->
    [gift] Дар анонимного дарителя
    [deposit] На хранении от анонимного владельца
   *[other] От анонимного дарителя
}
donor-anonymous = анонимный даритель
maker-anonymous = Неизвестный автор

party-maker = автор
party-seller = продавец
party-buyer = покупатель
party-giver = даритель
party-receiver = получатель
party-depositor = депонент
party-organiser = организатор
party-owner = владелец

authority-all = Все предметы в коллекции ({ $count })
authority-objects = Предметы

type-painting = Картина
type-poster = Плакат
type-flag = Флаг
type-ribbon = Лента
type-badge = Значок
type-banner = Растяжка
type-clothing = Одежда
type-letter = Письмо
type-photograph = Фотография
type-document = Документ
type-other = Другой предмет

acquisition-gift = Дар
acquisition-purchase = Покупка
acquisition-deposit = Передано на хранение
acquisition-transfer = Передача
acquisition-found = Находка

state-draft = Черновик
state-published = Опубликовано
state-withdrawn = Снято с публикации

date-unknown = Дата неизвестна
date-exact = точно
date-circa = около
date-before = до
date-after = после
date-between = между

maker-kind-person = Человек
maker-kind-collective = Коллектив
maker-kind-anonymous = Анонимно
maker-kind-pseudonym = Псевдоним

event-kind-protest = Протест
event-kind-march = Марш
event-kind-auction = Аукцион
event-kind-exhibition = Выставка

provenance-made = Создан
provenance-exhibited = Выставлялся
provenance-auctioned = Продан на аукционе
provenance-bought = Куплен
provenance-given = Подарен
provenance-deposited = Передан на хранение
provenance-moved = Перемещён
provenance-returned = Возвращён

credit-anonymous = Анонимно
credit-pseudonym = Псевдоним
credit-name = Имя

owner-museum = Музей
owner-depositor = Депонент
owner-unknown = Неизвестно

error-heading = { $status ->
    [403] Не разрешено
    [404] Не найдено
    [400] Запрос невозможно понять
   *[other] Что-то пошло не так
}
error-not-found = По этому адресу ничего нет. Возможно, предмет не опубликован, или в ссылке ошибка.
error-bad-filter = В одном из фильтров значение, которого не существует. Уберите его и попробуйте снова.
error-bad-page = Номер страницы — целое число от 1.
error-bad-query = В адресе есть символы, которые невозможно прочитать.
error-internal = Сервер музея не смог ответить. Ничего из отправленного не потеряно; попробуйте позже.
error-back = Вернуться к коллекции

admin-login-title = Вход для сотрудников
admin-login-failed = Имя пользователя, пароль или код неверны. Попробуйте ещё раз.
admin-username = Имя пользователя
admin-password = Пароль
admin-totp = Код из приложения-аутентификатора (если вы его настроили)
admin-login-button = Войти
admin-dashboard = Панель куратора
admin-signed-in = Вы вошли как { $name }
admin-images-pending = Изображения готовятся
admin-jobs-failed = Неудачные задачи с изображениями
admin-logout = Выйти
error-forbidden = Этот запрос пришёл не со страниц музея, или форма устарела. Вернитесь, обновите страницу и попробуйте снова.
totp-title = Второй фактор
totp-intro = Отсканируйте этот код приложением-аутентификатором (например Aegis, FreeOTP или Google Authenticator) и введите шестизначный код, который оно покажет. Администраторы и ключники входят только с кодом.
totp-qr-alt = QR-код с секретом для приложения-аутентификатора
totp-secret = Или введите этот секрет в приложение:
totp-code = Шестизначный код из приложения
totp-confirm = Подтвердить
totp-wrong = Код неверный. Проверьте время на телефоне и попробуйте следующий код.
totp-done = Второй фактор настроен. Теперь входите с кодом из приложения.
totp-recovery = Коды восстановления: каждый сработает один раз, если вы потеряете телефон. Запишите их сейчас: больше они не будут показаны.
totp-already = Второй фактор уже настроен.

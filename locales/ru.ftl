# Русские строки интерфейса. Множественное число выбирается через PLURAL() (ICU4X).

site-tagline = Предметы белорусских протестов с 2020 года
feed-title = новое в коллекции
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
iiif-holder = Хранитель
object-rights = Права
object-image-rights = Права на это изображение
object-linked-art = Linked Art (JSON-LD, для исследователей и агрегаторов)
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
    [429] Слишком много запросов
    [503] Временно закрыто
    [405] По этому адресу так нельзя
   *[other] Что-то пошло не так
}
error-not-found = По этому адресу ничего нет. Возможно, предмет не опубликован, или в ссылке ошибка.
error-bad-filter = В одном из фильтров значение, которого не существует. Уберите его и попробуйте снова.
error-bad-page = Номер страницы — целое число от 1.
error-bad-query = В адресе есть символы, которые невозможно прочитать.
error-bad-form = Форма отправила значение, которого нет среди её вариантов. Обновите страницу и попробуйте снова.
error-method = Этот адрес нельзя использовать таким образом: его можно только читать или отправлять на него его собственную форму.
error-internal = Сервер музея не смог ответить. Ничего из отправленного не потеряно; попробуйте позже.
error-back = Вернуться к коллекции

admin-login-title = Вход для сотрудников
admin-login-failed = Имя пользователя, пароль или код неверны. Попробуйте ещё раз.
admin-username = Имя пользователя
admin-password = Пароль
admin-totp = Код из приложения-аутентификатора или код восстановления (если вы его настроили)
admin-login-button = Войти
admin-login-resume = Ваш сеанс закончился, поэтому отправленная форма не сохранилась. Войдите снова: после этого её можно будет отправить ещё раз такой, как вы её заполнили.
admin-resume-title = Отправить форму ещё раз
admin-resume-intro = Вы снова вошли. Форма, которую вы отправили, когда сеанс уже закончился, не сохранилась: отправьте её сейчас такой, как вы её заполнили, или оставьте.
admin-resume-what = Что в форме
admin-resume-send = Отправить форму ещё раз
admin-resume-skip = Оставить и перейти в панель
admin-dashboard = Панель куратора
admin-signed-in = Вы вошли как { $name }
admin-images-pending = Изображения готовятся
admin-jobs-failed = Неудачные задачи с изображениями
admin-logout = Выйти
error-forbidden = Этот запрос пришёл не со страниц музея, или форма устарела. Вернитесь, обновите страницу и попробуйте снова.
error-not-allowed = Роль вашей учётной записи не позволяет этого здесь — например, предмет, опубликованный после того, как вы его открыли, может изменить только куратор. Ничего не сохранено.
totp-title = Второй фактор
totp-intro = Отсканируйте этот код приложением-аутентификатором (например Aegis, FreeOTP или Google Authenticator) и введите шестизначный код, который оно покажет. Кураторы, ключники и администраторы всегда входят с кодом.
totp-qr-alt = QR-код с секретом для приложения-аутентификатора
totp-secret = Или введите этот секрет в приложение:
totp-code = Шестизначный код из приложения
totp-confirm = Подтвердить
totp-wrong = Код неверный. Проверьте время на телефоне и попробуйте следующий код.
totp-done = Второй фактор настроен. Теперь входите с кодом из приложения.
totp-recovery = Коды восстановления: каждый сработает один раз, если вы потеряете телефон. Запишите их сейчас: больше они не будут показаны.
totp-already = Второй фактор уже настроен.

error-too-many = За последний час отсюда или от всех вместе пришло слишком много запросов. Ничего не сохранено. Пожалуйста, попробуйте позже.
error-intake-closed = Музей сейчас не может принимать предложения. Ничего не сохранено. Пожалуйста, попробуйте позже.
error-busy = Сервер музея сейчас слишком занят, чтобы ответить. Ничего из отправленного не сохранено; попробуйте снова через минуту.
nav-offer = Передать предмет

upload-empty = Один из файлов пуст.
upload-unsupported = Файлы типа { $n } не подходят. Пожалуйста, присылайте фото в JPEG, PNG или WebP.
upload-unsupported-heic = Фото в формате HEIC (так снимает iPhone) не подходят. Пожалуйста, присылайте JPEG, PNG или WebP: на iPhone выберите Настройки → Камера → Форматы → Наиболее совместимый или поделитесь фото как JPEG.
upload-not-image = Один из файлов не фото. Пожалуйста, присылайте JPEG, PNG или WebP.
upload-corrupt = Одно из фото повреждено или неполное; пожалуйста, пришлите его ещё раз.
upload-too-large = Одно из фото слишком большое ({ $n }). Пожалуйста, пришлите поменьше.
upload-file-too-big = Один из файлов больше { $n } МБ. Пожалуйста, пришлите фото поменьше.
upload-too-many = Слишком много файлов: не больше { $n } фото за раз.
upload-too-slow = Загрузка длилась слишком долго и была остановлена. Пожалуйста, попробуйте ещё раз.
offer-form-too-big = Форма слишком большая, чтобы её прочитать. Пожалуйста, сократите тексты и попробуйте ещё раз.

offer-title = Передать предмет в музей
offer-lead = У вас есть картина, плакат, флаг, лента, значок, письмо или другая вещь с белорусских протестов с 2020 года? Расскажите нам о ней.
offer-safety = Вам не нужно называть своё имя. Эта страница не ставит cookie, и музей не записывает ваш адрес или браузер. Ваша история и контакт шифруются в момент получения, так что прочитать их могут только хранители ключей музея, на собственных компьютерах.
offer-tor = Если вы в Беларуси, пожалуйста, используйте Tor Browser (torproject.org) и устройство, которое никто другой не проверяет. Форма работает с выключенным JavaScript.
offer-has-errors = Некоторые поля требуют внимания, они отмечены ниже. Пока ничего не сохранено.
offer-about-object = Предмет
offer-staff-reads = Эту часть могут читать сотрудники музея.
offer-field-title = Что это?
offer-required = обязательно
offer-help-title = Несколько слов, например «Бело-красно-белый флаг с марша 16 августа 2020».
offer-field-type = Вид предмета
offer-help-type = Выберите ближайший; «не знаю» — тоже хорошо.
offer-type-unsure = Не знаю
offer-field-description = Описание
offer-help-description = Как он выглядит, размер, состояние.
offer-field-maker = Кто его сделал, если знаете
offer-help-maker = Имя, псевдоним или «неизвестно». Оставьте пустым, если это может кому-то угрожать.
offer-sealed-legend = Запечатано: это могут прочитать только хранители ключей
offer-sealed-reads = Шифруется при получении ключами хранителей. Сервер не может это прочитать, и не смог бы тот, кто захватил бы сервер.
offer-field-story = Ваша история предмета
offer-help-story = Как он к вам попал, что он значил. Пишите только то, что вам комфортно.
offer-field-contact = Как с вами связаться (необязательно)
offer-help-contact = E-mail, имя в Signal или Telegram или что-то другое. Оставьте пустым, чтобы остаться недосягаемым.
offer-credit-legend = Как вас указать?
offer-credit-reads = Так публичный каталог будет писать о дарителе, если предмет покажут.
offer-credit-anonymous = Анонимно
offer-credit-pseudonym = Под псевдонимом
offer-credit-name = Под моим именем
offer-field-credit-name = Псевдоним или имя для подписи
offer-help-credit-name = Нужно, только если вы выбрали псевдоним или имя. Если ниже вы не согласитесь, чтобы предмет показывали, имя запечатывается, как и ваш контакт: прочитать его могут только хранители ключей музея на своих компьютерах.
offer-credit-sealed = под именем, имя запечатано
offer-field-consent = Музей может публично показывать предмет и его фото.
offer-photos-legend = Фото
offer-photos-reads = Фото видят сотрудники музея. Из каждого фото перед сохранением удаляются сведения о месте, камере и времени.
offer-field-photos = Фото предмета (необязательно)
offer-help-photos = До { $n } фото, до { $mb } МБ каждое, в JPEG, PNG или WebP. Фото HEIC с iPhone здесь не прочитать: выберите «Наиболее совместимый» в настройках камеры или пришлите снимок экрана.
offer-photos-again = Ради вашей безопасности выбранные фото не сохранены. Пожалуйста, выберите их ещё раз.
offer-receipt-legend = Квитанция
offer-field-receipt = Дайте мне код квитанции, чтобы проверять это предложение и читать ответы музея.
offer-help-receipt = Код показывается один раз. Кто его найдёт, сможет прочитать ответы, поэтому храните его в надёжном месте или не просите его.
offer-submit = Отправить предложение
offer-status-link = Уже что-то предлагали? Проверьте по коду квитанции.
offer-error-title-missing = Пожалуйста, несколькими словами напишите, что это за предмет.
offer-error-too-long = Слишком длинно: не больше { $n } знаков.
offer-error-choose = Пожалуйста, выберите один из вариантов.
offer-error-credit-name = Пожалуйста, напишите псевдоним или имя для подписи или выберите «Анонимно».
offer-error-expired = Срок формы истёк. Ничего не сохранено. Пожалуйста, проверьте написанное и отправьте ещё раз.
offer-error-sent = Эту форму уже отправили один раз, и скорее всего она дошла: пожалуйста, не отправляйте тот же предмет снова. Если тогда был показан код квитанции, показать его второй раз нельзя.

thanks-title = Спасибо
thanks-lead = Ваше предложение дошло до музея. Скоро его посмотрит куратор.
thanks-entry = Оно зарегистрировано как поступление { $entry }.
thanks-receipt-heading = Ваш код квитанции
thanks-receipt-once = Запишите его сейчас: он больше не будет показан, и музей не сможет его восстановить.
thanks-receipt-risk = Кто найдёт этот код, сможет увидеть состояние предложения и ответы музея. Храните его там, куда никто другой не заглядывает.

status-title = Проверить предложение
status-lead = Введите полученный код квитанции, чтобы увидеть состояние предложения и ответы музея.
status-field-receipt = Код квитанции
status-submit = Проверить
status-state-heading = Состояние
status-state-waiting = Ждёт куратора.
status-state-accepted = Принято в музей. Спасибо!
status-state-declined = Музей не смог взять этот предмет.
status-replies-heading = Ответы музея
status-no-replies = Ответов пока нет.
status-same-shape = Код с ошибкой тоже показывает «ждёт» без ответов: музей не говорит, какие коды существуют.
status-error-format = Код квитанции состоит из 16 букв и цифр, например 7KQ4-M9XT-2HWP-R3CD.

role-admin = администратор
role-curator = куратор
role-keyholder = хранитель ключа
role-volunteer = волонтёр
admin-nav-label = Панель
admin-offers = Предложения
admin-offers-waiting = Предложения ждут
admin-offers-accepted = Принятые
admin-offers-declined = Отклонённые
admin-offers-states = Предложения по состоянию
admin-offers-none = Здесь нет предложений.
admin-entry = Номер поступления
admin-received = Получено
admin-photo = Фото
admin-photo-of = Фото «{ $title }»
admin-photo-n = Фото { $n } «{ $title }»
admin-no-photos = Нет фото.
admin-reference = Ссылка (для запечатанных пакетов)
admin-state = Состояние
admin-consent = Даритель согласен на публикацию
admin-yes = да
admin-no = нет
admin-sealed = История и контакт
admin-sealed-help = Запечатаны для хранителей ключей; на этом сервере их не прочитать.
admin-receipt = Квитанция
admin-receipt-yes = У дарителя есть квитанция; отправлено ответов: { $n }.
admin-receipt-no = Даритель не просил квитанцию: ответы не дойдут до него через сайт.
admin-object = Предмет
admin-decision = Решение
admin-accept = Принять: создать черновик предмета
admin-decline = Отклонить
admin-decision-help = Принятие создаёт черновик предмета с этим номером поступления и псевдонимную запись дарителя. Отклонение удаляет фото; запечатанная запись остаётся для хранителей ключей.
admin-offer-decided = По этому предложению уже есть решение.
admin-reply-heading = Ответить дарителю
admin-reply-label = Сообщение
admin-reply-help = Запечатывается для квитанции дарителя: прочитать его может только даритель, здесь оно не хранится в читаемом виде. Не пишите ничего, что угрожало бы ему, если бы квитанцию нашли.
admin-reply-send = Отправить ответ
admin-reply-empty = Ответ пуст.
admin-reply-too-long = Ответ слишком длинный.
admin-reply-no-receipt = Даритель не просил квитанцию, поэтому ответ не дойдёт до него через сайт.
admin-done-declined = Предложение отклонено.
admin-done-replied = Ответ запечатан и сохранён.
admin-done-accepted = Предложение принято: это черновик его предмета.
admin-bundle-legend = Скачать запечатанные записи
admin-bundle-help = Скачивает запечатанные истории и контакты выбранных предложений, чтобы открыть их на собственном компьютере через zbor contacts open. Каждое скачивание записывается в журнал аудита с вашей причиной.
admin-bundle-reason-label = Причина скачивания
admin-bundle-download = Скачать запечатанный пакет
admin-bundle-choose = Выбрать
admin-bundle-pick = Выбрать предложение { $entry }
admin-bundle-none = Выберите хотя бы одно предложение.
admin-bundle-reason = Пожалуйста, укажите причину (не больше 500 знаков).
admin-fingerprints = Ключи, которыми запечатываются контакты дарителей
admin-fingerprints-help = Сравните их с собственными ключами хранителей. Изменить их можно только в файле получателей на сервере, никогда через сайт.
admin-fingerprints-none = Нет файла получателей: форма предложений закрыта.
admin-internal-notes = Внутренние заметки
admin-public = публичное
admin-private = приватное

admin-objects = Предметы
admin-object-new = Новый предмет
admin-objects-search = Слова из названия или номер
admin-all = Все
admin-objects-count = { $n } { PLURAL($n) ->
    [one] предмет
    [few] предмета
   *[other] предметов
}
admin-title = Название
admin-updated = Изменено
admin-objects-none = Нет подходящих предметов.
admin-accession-on-publish = ещё не включён в фонды (публикация включает)
admin-preview = Просмотреть публичную страницу
admin-publish = Опубликовать
admin-withdraw = Снять с каталога
admin-volunteer-note = Волонтёры готовят черновики; публикует куратор.
admin-volunteer-locked = Этот предмет публичный: менять его могут только кураторы.
admin-image-pending = Готовится…
admin-image-failed = Это изображение не удалось подготовить.
admin-primary = Главное изображение
admin-done-created = Предмет создан как черновик.
admin-done-saved = Сохранено.
admin-done-published = Опубликовано: предмет в публичном каталоге.
admin-done-withdrawn = Снято с публичного каталога.
admin-done-uploaded = Фото получены; их размеры готовятся.
admin-done-photo = Фото обновлено.
admin-done-provenance = Провенанс обновлён.
edit-has-errors = Некоторые поля требуют внимания, они отмечены ниже. Пока ничего не сохранено.
edit-heading-object = Предмет
edit-materials = Материалы и техника
edit-dimensions = Размеры
edit-parts = Количество частей
edit-date = Датировка предмета
edit-date-qualifier = Насколько точно
edit-date-earliest = Год (или с)
edit-date-latest = По год
edit-links = Авторы и события
edit-heading-private = Приватное, пока не открыто
edit-private-help = Эти поля остаются приватными, пока вы их не отметите. Внутренние заметки никогда не публичны.
edit-inscription = Надпись
edit-inscription-public = Показывать надпись публично
edit-acquisition = Приобретение и собственность
edit-acquisition-method = Как музей получил предмет
edit-not-set = Не указано
edit-acquired-on = Дата приобретения
edit-owner = Владелец
edit-rights = Заявление о правах
edit-rights-help = Что другие могут делать с изображениями и сведениями предмета: показывается на его странице и попадает в IIIF и все форматы открытых данных. У снимка может быть своё.
edit-rights-collection = Заявление коллекции
edit-photo-rights = Права на этот снимок
edit-rights-object = Заявление предмета
edit-acquisition-public = Показывать приобретение и владельца публично
edit-notes-help = Только для сотрудников; никогда не показываются публично.
edit-save = Сохранить
edit-create = Создать черновик
edit-alt = Текстовая альтернатива
edit-caption = Подпись
edit-photo-public = Показывать это фото публично
edit-up = Выше
edit-down = Ниже
edit-primary = Сделать главным
edit-remove = Удалить
edit-add-photos = Добавить фото
edit-photos-help = Можно несколько сразу; JPEG, PNG или WebP. Метаданные удаляются; размеры готовятся в фоне.
edit-upload = Загрузить
edit-lot = Лот
edit-no-provenance = Провенанс ещё не записан.
edit-add-provenance = Добавить в провенанс
edit-provenance-kind = Что произошло
edit-exact-date = Точный день, если известен
edit-event = Событие (аукцион, выставка…)
edit-place = Место
edit-price = Цена
edit-currency = Валюта
edit-party-role = Роль участника
edit-party = Участник
edit-party-donor = Даритель предмета (как он пожелал быть указанным)
edit-note = Заметка
edit-provenance-public = Показывать этот шаг публично
edit-error-choose = Пожалуйста, выберите один из вариантов.
edit-error-title = Дайте название хотя бы на одном языке.
edit-error-too-long = Слишком длинно.
edit-error-year = Год — это четыре цифры, от 1000 до 2200.
edit-error-year-order = Второй год раньше первого.
edit-error-day-outside-years = Точный день не попадает в годы этого шага: исправьте одно или другое.
edit-error-year-missing = Укажите год или выберите «Дата неизвестна».
edit-error-parts = Количество частей — целое число от 1.
edit-error-date = Дата пишется ГГГГ-ММ-ДД.
edit-error-provenance-kind = Выберите, что произошло.
edit-error-price = Цена — это число, например 1250, 4 500 или 99,50: не больше двух цифр после запятой или точки, а тысячи — через пробел (не через запятую).
edit-error-currency = Валюта — три буквы, например EUR.
edit-error-party = Этого участника здесь нельзя указать.
edit-error-below = Не сохранено: смотрите сообщение у формы ниже.
edit-error-party-role = Укажите, какую роль сыграл участник (автор, продавец, покупатель…).
edit-error-back-before-exit = Дата ожидаемого возвращения не может быть раньше даты, когда предмет выбыл.
edit-error-gone = Того, что выбрано в форме, уже нет (возможно, другой куратор только что это удалил). Обновите страницу и выберите снова.
edit-error-not-published = Снять можно только опубликованный предмет.
edit-error-already-published = Этот предмет уже опубликован; ничего не изменено.
edit-error-stale = Кто-то другой сохранил этот предмет после того, как вы его открыли. Ваши изменения ниже и не сохранены; откройте предмет в другой вкладке, чтобы увидеть, какой он сейчас, и сохраните снова, чтобы заменить его вашим.
edit-typed-heading = Что вы набрали
edit-typed-help = Это не сохранено. Скопируйте и передайте куратору: он может внести изменение.
authority-error-stale = Кто-то другой сохранил эту запись после того, как вы её открыли. Ваши изменения ниже и не сохранены; откройте её в другой вкладке, чтобы увидеть, какая она сейчас, и сохраните снова, чтобы заменить её вашей.
preview-banner = Предварительный просмотр: именно так будет выглядеть публичная страница после публикации. Она не публичная.

admin-users = Учётные записи
admin-audit = Журнал аудита
admin-account = Моя учётная запись
account-changed = Пароль изменён, и все сеансы завершены. Войдите с новым паролем.
account-password-heading = Изменить пароль
account-password-help = Смена пароля завершает все сеансы этой учётной записи на всех устройствах, и этот тоже.
account-current = Текущий пароль
account-new = Новый пароль
account-repeat = Новый пароль ещё раз
account-change = Изменить пароль
account-totp = Второй фактор (приложение-аутентификатор)
account-error-repeat = Два новых пароля не совпадают.
account-error-current = Текущий пароль неверен.
account-error-length = Пароль должен содержать не менее { $n } знаков (и не более 256).
users-role = Роль
users-second-factor = Второй фактор
users-actions = Изменения
users-disabled = отключена
users-active = действует
users-set-role = Задать роль
users-enable = Включить
users-disable = Отключить
users-reset-totp = Удалить второй фактор
users-add = Добавить учётную запись
users-initial-password = Первый пароль (его нужно будет сменить)
users-done-added = Учётная запись добавлена.
users-done-changed = Учётная запись изменена; её сеансы завершены.
users-error-username = Имя пользователя содержит от 2 до 64 букв, цифр, точек, дефисов или подчёркиваний.
users-error-exists = Учётная запись с таким именем уже есть.
users-error-self = Нельзя отключить свою учётную запись или изменить свою роль.
audit-help = Каждый вход, изменение, публикация, удаление, изменение учётной записи и скачивание запечатанного пакета, связанные хэшами от первого к последнему. Здесь ничего нельзя изменить.
audit-actor = Кто
audit-action = Действие
audit-q = Слова в объекте или подробностях
audit-from = С
audit-to = По
audit-count = { $n } { PLURAL($n) ->
    [one] запись
    [few] записи
   *[other] записей
}
audit-when = Когда (UTC)
audit-target = Объект действия
audit-details = Подробности

admin-authorities = Справочники
authorities-makers = Авторы
authorities-organisations = Организации
authorities-places = Места
authorities-events = События
authorities-types = Типы предметов
authority-kind = Вид
authority-name-be = Название по-белорусски
authority-name-en = Название по-английски
authority-name-ru = Название по-русски
authority-bio-be = Об авторе, по-белорусски
authority-bio-en = Об авторе, по-английски
authority-bio-ru = Об авторе, по-русски
authority-description-be = Описание по-белорусски
authority-description-en = Описание по-английски
authority-description-ru = Описание по-русски
authority-private-notes = Приватные заметки
authority-starts-on = Начало (ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД)
authority-ends-on = Конец (ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД)
authority-place = Место
authority-organisation = Организатор
authority-error-date = Пишите дату как ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД.
authority-error-ends-before = Событие не может закончиться раньше, чем началось.
authority-error-name = Дайте название хотя бы на одном языке.
authority-code = Код в веб-адресах (a–z, 0–9 и -)
authority-code-help = Встречается в адресах вроде /objects?type=flag, поэтому задаётся один раз и больше не меняется.
authority-error-code = От 1 до 40 строчных латинских букв, цифр или дефисов.
authority-error-code-taken = Этот код уже занят.
authority-error-name-each = Дайте название и на этом языке: типы показываются на всех трёх.
authority-uses = использовано { $n } { PLURAL($n) ->
    [one] раз
    [few] раза
   *[other] раз
}
authority-none = Пока ничего.
authority-new = Добавить новый
authority-edit = Изменить
authority-create = Добавить
authority-locked = Изменение существующей записи может изменить опубликованные страницы: обратитесь к куратору.
authority-done-created = Добавлено.
authority-done-saved = Сохранено.

admin-locations = Хранилище
locations-help = Где хранятся предметы. Никогда не публично.
location-name = Место хранения
location-notes = Заметки
location-objects = Предметов там сейчас
location-error-name = Дайте месту название (не более 200 знаков).
location-error-exists = Место с таким названием уже есть.
location-heading = Место и перемещения
location-private = Приватно: никогда не показывается публично.
location-current = Сейчас
location-normal = Обычное место
location-history = Перемещения
location-move = Записать перемещение
location-moved-on = Дата
location-reason = Почему
location-is-normal = Это его обычное место
location-add-first = Сначала добавьте место хранения
exit-heading = Выбытия
exit-record = Записать выбытие
exit-kind = Вид выбытия
exit-on = Дата
exit-expected-back = ожидается обратно
exit-return = Возвращено владельцу
exit-loan_out = Выдано во временное пользование
exit-disposal = Списано
admin-done-moved = Перемещение записано.
admin-done-exit = Выбытие записано.

admin-recent = Недавно изменённые
edit-add-authority = Нет в списке? Добавьте автора, событие или тип предмета в Справочниках (откроется в новой вкладке), затем перезагрузите эту страницу.
edit-error-consent = Даритель не согласился на публикацию. Публикуйте только после того, как он согласился, и отметьте это (записывается в журнал аудита).
edit-consent-confirm = Даритель впоследствии согласился на публикацию
edit-add-authority-below = Нет в списке? Добавьте автора, событие или тип ниже: они сразу свяжутся с этим предметом.
edit-new-links = Новый автор, событие или тип
edit-new-maker = Новый автор этого предмета
edit-new-maker-add = Добавить автора и связать
edit-new-event = Новое событие для этого предмета
edit-new-event-add = Добавить событие и связать
edit-new-type = Новый тип для этого предмета
edit-new-type-add = Добавить тип и присвоить его предмету
totp-start = Настроить второй фактор
admin-delete-heading = Удалить это предложение
admin-delete-help = Для спама и ошибок: предложение, его фото и запечатанная запись дарителя удаляются навсегда; журнал аудита хранит только его входящий номер.
admin-delete = Удалить навсегда
admin-delete-confirm = Я понимаю: предложение, его фото и запечатанную запись вернуть будет невозможно.
admin-delete-unconfirmed = Ничего не удалено: поставьте отметку, чтобы подтвердить, что предложение удаляется навсегда.
admin-offer-accepted-kept = Принятое предложение остаётся в реестре поступлений; его запечатанная запись удаляется после срока хранения.
admin-done-deleted = Предложение удалено.
admin-answers = Ответы дарителя
admin-answers-count = { $n } запечатано, для следующего пакета хранителей ключей
status-field-answer = Ваш ответ музею (необязательно)
status-help-answer = Ответьте здесь на вопрос куратора, с кодом квитанции выше. Ответ запечатывается, как и ваша история: прочитать его могут только хранители ключей музея на своих компьютерах.
status-answer-sent = Ваш ответ запечатан и отправлен.
upload-busy = Музей сейчас получает много фото. Пожалуйста, попробуйте через несколько минут.

## The static mirror (zbor export-site)
mirror-choose-language = Читать каталог по-русски
mirror-search-heading = Поиск в этой копии каталога
mirror-search-intro = Эта копия каталога ищет в вашем браузере: по названиям, авторам, событиям и годам. Без JavaScript просматривайте предметы по типу, автору, событию или году.
mirror-search-found = Найдено предметов:
mirror-search-none = Ничего не найдено. Попробуйте меньше слов или слова короче, или просматривайте по типу, автору, событию или году.
# Redaction
redact-link = Скрыть лица и имена…
redact-count = скрытых областей: { $n }
redact-suggested-count = Предложенных лиц для проверки: { $n }
redact-title = Скрыть на фото { $n } предмета { $title }
redact-help = Отметьте каждое лицо, имя, номер или номерной знак, которые нельзя видеть. Каждая область уничтожается в пикселях всех публичных размеров этого фото (сплошная заливка или крупные блоки для лиц); оригинал остаётся закрытым, и сотрудники видят его здесь с обведёнными областями.
redact-done = Области сохранены. Публичные размеры делаются заново; старых больше нет.
redact-master-alt = Фото { $n } предмета { $title }, оригинал, с обведёнными областями
redact-master-caption = Оригинал, { $w } × { $h } пикселей.
redact-draw-help = Проведите по фото, чтобы заполнить числа, затем добавьте область.
redact-add = Добавить область
redact-add-button = Добавить область
redact-shape = Форма
redact-shape-rect = Прямоугольник
redact-shape-ellipse = Эллипс
redact-kind = Что скрывает
redact-kind-face = Лицо
redact-kind-text = Имя или текст
redact-kind-plate = Номерной знак
redact-kind-other = Другое
redact-method = Как
redact-method-help = Крупные блоки — только для лиц; текст всегда заливается, потому что размытый или пикселизированный текст можно прочитать.
redact-method-fill = Сплошная заливка
redact-method-pixelate = Крупные блоки (лица)
redact-coordinates-help = В пикселях оригинала ({ $w } × { $h }): левый край, верхний край, ширина и высота.
redact-field-x = Слева (x)
redact-field-y = Сверху (y)
redact-field-w = Ширина
redact-field-h = Высота
redact-regions = Области
redact-where = Где
redact-actions = Действия
redact-suggested = Предложено, не проверено
redact-reviewed = Отмечено
redact-accept = Подтвердить
redact-none = Областей пока нет: публичные размеры показывают всё фото.
redact-public = Что видит публика
redact-public-alt = Фото { $n } предмета { $title }, как его видит публика, со скрытыми областями
redact-error-unknown = Не удалось прочитать область: выберите форму, что она скрывает и способ, и введите четыре целых числа.
redact-error-outside = Область должна лежать внутри фото и быть не меньше одного пикселя.
redact-error-pixelate = Блоками можно закрывать только лица; имена, текст и номера всегда заливаются.
edit-photos-checked = Я проверил(а) каждое фото на лица, имена и номера и отметил(а), что нужно скрыть (записывается в журнал аудита)
edit-photo-checked = Я проверил(а) это фото на лица, имена и номера
edit-error-photos-check = Этот предмет показывает людей или имеет предложенные лица, которые никто не проверил. Проверьте фото, отметьте, что нужно скрыть, и поставьте отметку.
authority-shows-people = Его предметы показывают людей
authority-shows-people-0 = Нет
authority-shows-people-1 = Да: публикация требует проверить фото на лица и имена
redact-error-too-many = У этого фото уже столько областей, сколько можно (200). Удалите некоторые или закройте несколько лиц одной большей областью.
redact-public-warning = Это фото публичное. Скрытие сразу заменяет все размеры, которые показывает этот сервер, но копии, сохранённые другими раньше (браузеры, агрегаторы, опубликованные вами зеркала), не отзываются: попросите их удалить или обновить фото.

## The registrar's procedures
admin-register = Книга поступлений
admin-done-accessioned = Предмет включён в фонды: его номер в книге поступлений.
admin-done-deaccessioned = Предмет исключён из фондов. Его номер остаётся в книге, с отметкой.
admin-done-condition = Отчёт о состоянии записан.
admin-done-valuation = Оценка записана.
register-heading = Книга поступлений
register-private = Книга поступлений, отчёты о состоянии и оценки — закрытые: они никогда не попадают на публичные страницы и в открытые данные.
register-accessioned-on = Включён в фонды
register-method = Способ приобретения
register-authority = Кто решил
register-authority-help = Кто принял решение и где оно записано (например, «Фондово-закупочная комиссия, протокол от 12 марта 2026»).
register-deaccessioned = Исключён из фондов
register-reason = Причина
register-deaccession-authority = Кто решил исключить
register-deaccession = Исключить предмет из фондов
register-deaccession-help = Инвентарный номер больше никогда не выдаётся; он остаётся в книге с отметкой об исключении. Опубликованный предмет снимается с публикации и больше никогда не может быть опубликован.
register-date = Дата
register-disposal = Способ выбытия
register-not-accessioned = Не включён в фонды: предмет ещё не часть коллекции. Включение в фонды и публикация — разные действия; предмет можно включить и никогда не публиковать.
register-accession = Включить в фонды
register-page-help = Все когда-либо выданные инвентарные номера, по порядку. Номера никогда не используются повторно; исключённые предметы сохраняют свои, с отметкой.
register-csv = Скачать книгу (CSV)
register-status = Статус
register-empty = Ни один предмет ещё не включён в фонды.
register-error-accessioned = Этот предмет уже включён в фонды; его номер нельзя изменить.
register-error-not-accessioned = Исключить из фондов можно только включённый в них предмет.
register-error-deaccessioned = Этот предмет исключён из фондов: его нельзя опубликовать или исключить снова.
register-error-future = Дата не может быть в будущем.
register-error-before-accession = Исключение не может быть раньше включения.
register-error-before-acquisition = Включение в фонд не может быть раньше приобретения предмета (см. дату приобретения): проверьте год — номер сохраняет его навсегда.
register-error-reason = Укажите причину (до 2000 знаков).
register-error-authority = Укажите, кто решил (до 2000 знаков).
disposal-return = Возвращён владельцу
disposal-transfer = Передан другому учреждению
disposal-sale = Продан
disposal-exchange = Обменян
disposal-destruction = Уничтожен
disposal-loss = Утерян или украден
disposal-other = Другое
condition-heading = Состояние сохранности
condition-current = Текущее состояние
condition-never = не проверялось
condition-good = Хорошее
condition-fair = Удовлетворительное
condition-poor = Плохое
condition-unacceptable = Недопустимое
condition-checked-by = проверил(а)
condition-photo-alt = Фото состояния { $n }, отчёт от
condition-add = Записать отчёт о состоянии
condition-checked-on = Дата проверки
condition-label = Состояние
condition-notes = Заметки
condition-photos = Фото (необязательно)
condition-photos-help = Очищаются от всех метаданных, как каждый снимок, и никогда не публичны.
valuation-heading = Оценка
valuation-private = Оценки видят только кураторы, хранители ключей и администраторы; они никогда не покидают панель.
valuation-on = Дата оценки
valuation-amount = Сумма
valuation-purpose = Цель
valuation-by = Записал(а)
valuation-none = Оценок нет.
valuation-add = Записать оценку
valuation-insurance = Страхование
valuation-acquisition = Приобретение
valuation-market = Рыночная стоимость
history-link = История
history-heading = История
history-help = Все записанные изменения этого предмета, от самого старого, со старыми и новыми значениями, из журнала аудита.
history-empty = Пока ничего не записано.

# Inventory (stocktakes)
admin-stocktakes = Инвентаризация
stocktake-help = Инвентаризация перечисляет предметы, которые по записям находятся в одном месте. Отметьте найденное, добавьте то, что нашлось здесь, но записано в другом месте, и закройте её, чтобы увидеть, чего не хватает и что не на своём месте. Места и инвентаризации никогда не публичны.
stocktake-started = Начата
stocktake-closed = Закрыта
stocktake-expected = Ожидалось
stocktake-found = Найдено
stocktake-missing = Не хватает
stocktake-out-of-place = Не на своём месте
stocktake-open = открыта
stocktake-none = Инвентаризаций ещё не было.
stocktake-start = Начать инвентаризацию
stocktake-note = Заметка
stocktake-heading = Инвентаризация: { $location }
stocktake-done-started = Инвентаризация начата: в списке все предметы, записанные здесь.
stocktake-done-ticked = Сохранено.
stocktake-done-closed = Инвентаризация закрыта.
stocktake-csv = Скачать отчёт (CSV)
stocktake-status = Состояние
stocktake-recorded-at = Место по записям
stocktake-item-found = найден
stocktake-item-missing = не найден
stocktake-item-out-of-place = найден здесь, записан в другом месте
stocktake-item-not-found = добавлен, потом не найден
stocktake-empty = Здесь не записан ни один предмет.
stocktake-number = Нашли то, чего нет в списке? Его номер
stocktake-number-help = Инвентарный или входящий номер с этикетки.
stocktake-save = Сохранить найденное
stocktake-close = Закрыть инвентаризацию
stocktake-close-help = Найденное становится окончательным; неотмеченные предметы считаются отсутствующими.
stocktake-error-open = У этого места уже есть открытая инвентаризация: сначала завершите её.
stocktake-error-unknown = Нет предмета с таким номером.
stocktake-error-closed = Эта инвентаризация закрыта; ничего не изменилось.
stocktake-error-before-start = Инвентаризация не может закрыться раньше, чем началась.

# Batch editing
batch-done = Групповое изменение сохранено. Изменено предметов: { $n }. История каждого его показывает.
batch-select = Выбрать
batch-legend = Изменить выбранные предметы
batch-help = Отметьте предметы в списке или все результаты этого поиска, выберите одно изменение и посмотрите, что оно сделает: ничего не изменится, пока вы не подтвердите. Предметы, которые правило не позволяет изменить (согласие дарителя, снимки для проверки, исключение из фондов), будут названы и останутся как есть.
batch-all = Все результаты этого поиска ({ $n })
batch-change-type = Задать тип
batch-change-event = Связать с событием
batch-change-maker = Добавить автора
batch-change-location = Переместить в место
batch-change-rights = Задать заявление о правах
batch-change-stocktake = Добавить в открытую инвентаризацию
batch-change-publish = Опубликовать
batch-change-withdraw = Снять с каталога
batch-preview = Посмотреть изменение
batch-heading = Групповое изменение: просмотр
batch-back = Назад к списку, ничего не меняя
batch-summary = Изменится предметов: { $n } из { $total }.
batch-result = Что произойдёт
batch-will-change = изменится
batch-no-change = уже так: без изменений
batch-refused = останется как есть
batch-confirm = Изменить { $n } сейчас
batch-error-none = Отметьте хотя бы один предмет или все результаты поиска.
batch-error-too-many = Слишком много предметов для одного изменения: сузьте поиск.
batch-error-change = Выберите, какое изменение сделать.
batch-error-not-allowed = ваша роль не может его изменить
batch-error-not-found = его больше нет

# Loans
admin-loans = Займы
loans-help = Займы входящие и исходящие: с организацией, для выставки, по договору. Отправка и получение записывают выбытия и перемещения предметов; исходящий займ требует отчёта о состоянии каждого предмета при отправке и после возвращения. Займы никогда не публичны, хотя предмет в займе может оставаться в каталоге.
loans-none = Займов ещё не было.
loans-active = Текущие займы
loan-direction = Направление
loan-direction-in = Входящий займ
loan-direction-out = Исходящий займ
loan-status = Состояние
loan-status-requested = запрошен
loan-status-agreed = согласован
loan-status-active = идёт
loan-status-returned = возвращён
loan-status-cancelled = отменён
loan-organisation = Заимодавец или заёмщик
loan-purpose = Цель (выставка)
loan-reference = Номер договора
loan-dates = Согласованные даты
loan-starts-on = С
loan-ends-on = До (возврат)
loan-until = до
loan-insurance = Страховая стоимость
loan-currency = Валюта (код ISO)
loan-conditions = Условия экспонирования
loan-objects = Предметы
loan-objects-n = Предметов: { $n }
loan-overdue = срок истёк
loan-new = Новый займ
loan-create = Записать займ
loan-need-organisation = Сначала добавьте заимодавца или заёмщика как организацию
loan-sent-on-out = Покинул музей
loan-sent-on-in = Прибыл
loan-returned-on = Возвращён
loan-created = Записан
loan-last-condition = Последний отчёт о состоянии
loan-no-objects = В этом займе ещё нет предметов.
loan-add-object = Добавить предмет по номеру
loan-add = Добавить
loan-add-help = Или отметьте предметы в списке и выберите «Передать в займ».
loan-next = Следующий шаг
loan-condition-help = Каждый предмет должен иметь отчёт о состоянии, сделанный после оформления займа, перед отправкой, и ещё один после отправки, перед возвращением.
loan-step-agree = Договор подписан
loan-step-date = Дата
loan-step-location = В место
loan-step-send-out = Предметы отправлены
loan-step-send-in = Предметы прибыли
loan-step-return-out = Предметы вернулись
loan-step-return-in = Предметы возвращены заимодавцу
loan-step-cancel = Отменить займ
loan-done-created = Займ записан. Добавьте предметы.
loan-done-added = Предмет добавлен.
loan-done-agreed = Договор записан.
loan-done-sent = Записано, с выбытием или перемещением каждого предмета.
loan-done-returned = Возврат записан, с перемещением или выбытием каждого предмета.
loan-done-cancelled = Займ отменён.
loan-error-dates = Даты в неправильном порядке.
loan-error-started = Предметы можно добавлять, только пока займ оформляется.
loan-error-on-another = Этот предмет уже в другом займе.
loan-error-step = Этот шаг не следует из текущего состояния займа; ничего не изменилось.
loan-error-no-objects = Займ без предметов не может начаться.
loan-error-condition = Сначала каждый предмет должен получить новый отчёт о состоянии (см. список выше).
batch-change-loan = Передать в займ

# The collection as a table
csv-heading = Коллекция как таблица (CSV)
csv-help = Скачайте все предметы со всеми полями на трёх языках, измените в электронной таблице и отправьте обратно. Строки сопоставляются по входящему (или инвентарному) номеру; меняются только столбцы, которые есть в файле, поэтому уберите приватные, чтобы оставить их как есть. Файл хоть с одной ошибочной строкой ничего не меняет и называет строку. Сначала проверьте: при проверке ничего не записывается.
csv-download = Скачать все предметы (CSV)
csv-file = Таблица (CSV; запятая, точка с запятой или табуляция)
csv-dry-run = Только проверить (ничего не записывается)
csv-send = Отправить таблицу
csv-line = Строка { $line }
csv-line-heading = Строка
csv-what = Что меняется
csv-checked = Проверено: ошибок нет. Изменится предметов: { $n }. Снимите «Только проверить» и отправьте файл снова, чтобы импортировать.
csv-imported = Импортировано. Изменено предметов: { $n }; история каждого это показывает.
csv-has-errors = Строк с ошибками: { $n }. Ничего не записано; исправьте их и отправьте файл снова.
csv-error-column = этот столбец не из zbor
csv-error-column-twice = этот столбец есть дважды
csv-error-no-key = таблице нужен столбец entry_number или accession_number
csv-error-encoding = файл не является таблицей CSV в UTF-8
csv-error-cells = в этой строке другое число ячеек, чем в заголовке
csv-error-not-found = нет предмета с таким номером
csv-error-twice = этот предмет есть в таблице дважды
csv-error-rows = В некоторых строках ошибки: ничего не записано.
csv-error-no-file = Выберите файл CSV.
csv-error-numbers = его инвентарный номер не тот, что у предмета с этим входящим номером

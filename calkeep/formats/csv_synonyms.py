"""The synonym table of CSV contact headers: header text -> canonical field key, for every
layout and language (see csv_headers for the field keys and how headers are compared), and
the headers that mark each exporting program's layout. Data only."""

from __future__ import annotations

# The synonym table: `field key: name | name | ...`, continued on indented lines; "(ignored)"
# lists the columns of the known layouts that are deliberately not imported (naming them keeps
# them from being guessed from their values). Outlook's localized names are as Outlook writes
# them in its exports.
_SYNONYM_TABLE = """
display_name: Name | Full Name | Display Name | Contact Name | Contact | FN | Formatted Name |
    Anzeigename | Vollständiger Name | Nom complet | Nombre completo | Nome completo |
    Volledige naam | Weergavenaam
prefix: Title | Name Prefix | Prefix | Salutation | Honorific | Anrede | Titre | Tratamiento |
    Titolo | Titel | Tratamento | Título
given_name: First Name | Given Name | Firstname | First | Forename | Vorname | Prénom | Nombre |
    Nome | Primeiro nome | Voornaam | Imię
middle_name: Middle Name | Additional Name | Middle | Second Name | Weitere Vornamen |
    Zweiter Vorname | Deuxième prénom | Segundo nombre | Secondo nome | Segundo nome |
    Outros nomes/apelidos | Middelste naam | Tussenvoegsel
family_name: Last Name | Family Name | Surname | Lastname | Last | Nachname | Familienname | Nom |
    Nom de famille | Apellidos | Apellido | Cognome | Sobrenome | Apelido | Achternaam |
    Nazwisko
suffix: Suffix | Name Suffix | Suffixe | Sufijo | Titolo straniero | Sufixo | Achtervoegsel |
    Namenszusatz
organization: Company | Organization | Organisation | Organization Name | Company Name | Firm |
    Firma | Unternehmen | Société | Entreprise | Organización | Compañía | Empresa | Società |
    Azienda | Bedrijf | Organisatie
department: Department | Organization Department | Abteilung | Service | Departamento | Reparto |
    Afdeling | Dipartimento
title: Job Title | Organization Title | Position | Role | Job | Jobtitle | Berufsbezeichnung |
    Fonction | Poste | Puesto | Cargo | Posizione | Functie | Stanowisko
notes: Notes | Note | Comments | Comment | Remarks | Description | Notizen | Notiz | Bemerkungen |
    Kommentar | Remarques | Commentaires | Notas | Comentarios | Note | Anotações | Notities |
    Opmerkingen | Notatki
tags: Categories | Category | Tags | Tag | Labels | Groups | Group | Group Membership |
    Kategorien | Kategorie | Gruppen | Catégories | Catégorie | Groupes | Categorías | Etiquetas |
    Grupos | Categorie | Etichette | Gruppi | Categorieën | Categorien | Groepen | Categorias
url: Web Page | Website | Web Site | URL | Homepage | Home Page | Web | Personal Web Page |
    Business Website | Webseite | Internetseite | Page Web | Site Web | Página web | Sitio web |
    Pagina Web | Sito web | Página da Web | Página na Web | Webpagina | Web Page 1 | Web Page 2 |
    Website Home Page | Website Blog | Website Work | Website Profile | Website Other
birthday: Birthday | Birth Date | Birthdate | Date of Birth | DOB | Geburtstag | Geburtsdatum |
    Anniversaire | Date de naissance | Cumpleaños | Fecha de nacimiento | Compleanno |
    Data di nascita | Data de nascimento | Aniversário | Verjaardag | Geboortedatum | Urodziny
birthday:year: Birth Year
birthday:month: Birth Month
birthday:day: Birth Day
email: E-mail Address | E-mail | Email | Email Address | Mail | E-mail 2 Address |
    E-mail 3 Address | Primary Email | Secondary Email | Alternate Email | Alternate Email 1 |
    Alternate Email 2 | E-Mail-Adresse | E-Mail 2: Adresse | E-Mail 3: Adresse |
    Adresse de messagerie | Adresse de messagerie 2 | Adresse de messagerie 3 | Courriel |
    Adresse e-mail | Dirección de correo electrónico | Dirección de correo electrónico 2 |
    Dirección del correo electrónico 3 | Correo electrónico | Correo |
    Indirizzo posta elettronica | Indirizzo posta elettronica 2 | Indirizzo posta elettronica 3 |
    Posta elettronica | Endereço de email | Endereço de email 2 | Endereço de email 3 |
    Endereço de correio electrónico | Endereço do correio electrónico 2 |
    Endereço do correio electrónico 3 | E-mailadres | E-mailadres 2 | E-mailadres 3 |
    Adres e-mail
email:home: Home Email | Email Home | Personal Email | E-mail Home | Privat E-Mail |
    E-Mail privat | E-mail personnel | Correo personal
email:work: Work Email | Email Work | Business Email | E-mail Work | Arbeit E-Mail |
    E-Mail geschäftlich | E-mail professionnel | Correo del trabajo
email:other: Other Email | Email Other | Andere E-Mail
phone: Phone | Telephone | Phone Number | Tel | Telefon | Telefonnummer | Téléphone | Teléfono |
    Telefono | Telefone | Telefoon | Numer telefonu
phone:business: Business Phone | Business Phone 2 | Work Phone | Work | Office Phone |
    Telefon geschäftlich | Telefon geschäftlich 2 | Arbeit Telefon | Téléphone (bureau) |
    Téléphone 2 (bureau) | Teléfono del trabajo | Ufficio | Ufficio 2 | Telefone comercial |
    Telefone comercial 2 | Telefone da empresa | 2º telefone da empresa | Telefoon op werk |
    Telefoon op werk 2
phone:mobile: Mobile Phone | Mobile Phone 2 | Mobile | Mobile Number | Cell | Cell Phone |
    Cellphone | Home Mobile | iPhone | Mobiltelefon | Mobiltelefon 2 | Handy | Tél. mobile |
    Téléphone mobile | Portable | Móvil | Teléfono móvil | Cellulare | Telefone celular |
    Celular | Telemóvel | Mobiele telefoon | Mobiel | Telefon komórkowy
phone:home: Home Phone | Home Phone 2 | Home | Private Phone | Telefon privat | Telefon privat 2 |
    Privat Telefon | Téléphone (domicile) | Téléphone 2 (domicile) | Particular | Abitazione |
    Abitazione 2 | Telefone residencial | Telefone residencial 2 | Telefone da residência |
    2º telefone da residência | Telefoon thuis | Telefoon thuis 2
phone:other: Other Phone | Other | Weiteres Telefon | Andere Telefonnummer | Téléphone (autre) |
    Otro teléfono | Altro telefono | Outro telefone | Andere telefoon
phone:main: Primary Phone | Main Phone | Haupttelefon | Hauptnummer | Téléphone principal |
    Teléfono principal | Telefono principale | Telefone principal | Hoofdtelefoon
phone:fax: Fax | Fax Number | Telefax
phone:work_fax: Business Fax | Work Fax | Fax geschäftlich | Arbeit Fax | Télécopie (bureau) |
    Fax (uff.) | Fax comercial | Fax da empresa | Fax op werk
phone:home_fax: Home Fax | Fax privat | Privat Fax | Télécopie (domicile) | Fax (ab.) |
    Fax residencial | Fax da residência | Fax thuis
phone:other_fax: Other Fax | Weiteres Fax | Télécopie (autre) | Otro fax | Altro fax | Outro fax |
    Andere fax
phone:pager: Pager | Pager Number | Pager Nummer | Récepteur de radiomessagerie | Cercapersone
phone:car: Car Phone | Autotelefon | Téléphone (voiture) | Telefono auto | Telefone do carro |
    Autotelefoon
phone:assistant: Assistant's Phone | Assistant Phone | Telefon Assistent |
    Téléphone de l'assistant(e) | Telefono assistente | Telefone do assistente |
    Telefoon assistent
phone:company_main: Company Main Phone | Telefon Firma | Téléphone société |
    Número de centralita de la organización | Telefono principale società |
    Telefone principal da empresa | Hoofdtelefoon bedrijf
phone:callback: Callback | Rückmeldung | Rappel | Devolución de llamada | Richiamata automatica |
    Retorno de chamada | Tel. de resposta | Terugbellen
phone:isdn: ISDN | RNIS | RDIS
phone:video: Phone Video | Video Phone
phone:radio: Radio Phone | Radio téléphone | Radioteléfono | Radiotelefono | Radiofone |
    Radiotelefone | Radiotelefoon
phone:telex: Telex | Télex
phone:tty: TTY/TDD Phone | Telefon für Hörbehinderte | Téléphone TDD/TTY | Número de teletipo |
    Telefono TTY/TDD | Telefone TTY/TDD | Teksttelefoon
address:work:street: Business Street | Business Street 2 | Business Street 3 | Work Street |
    Work Address | Work Address 2 | Straße geschäftlich | Straße geschäftlich 2 |
    Straße geschäftlich 3 | Arbeitsadresse Strasse | Rue (bureau) | Rue (bureau) 2 |
    Rue (bureau) 3 | Calle del trabajo | Calle del trabajo 2 | Calle del trabajo 3 | Via (uff.) |
    Via (uff.) 2 | Via (uff.) 3 | Rua do endereço comercial | Rua do endereço comercial 2 |
    Rua do endereço comercial 3 | Rua da empresa | Rua da empresa 2 | Rua da empresa 3 |
    Werkadres, straat | Werkadres 2, straat | Werkadres 3, straat
address:work:pobox: Business Address PO Box | Postfach geschäftlich | B.P. professionnelle |
    Apartado postal de la dirección del trabajo | Indirizzo (uff.) - Casella postale |
    Caixa postal do endereço comercial | Apartado da empresa | Werkadres, postbusnummer
address:work:city: Business City | Work City | Ort geschäftlich | Arbeitsadresse Stadt |
    Ville (bureau) | Ciudad de trabajo | Città (uff.) | Localidade da empresa |
    Werkadres, plaats
address:work:region: Business State | Work State | Region geschäftlich |
    Arbeitsadresse Bundesland | Dép/Région (bureau) | Provincia o estado de trabajo |
    Provincia (uff.) | Distrito da empresa | Werkadres, provincie
address:work:postcode: Business Postal Code | Work Zip | Work ZipCode | Work Postal Code |
    Postleitzahl geschäftlich | Arbeitsadresse PLZ | Code postal (bureau) |
    Código postal del trabajo | CAP (uff.) | Código postal da empresa | Werkadres, postcode
address:work:country: Business Country/Region | Business Country | Work Country |
    Land/Region geschäftlich | Arbeitsadresse Land | Pays/Région (bureau) |
    País o región del trabajo | Paese (uff.) | País/Região da Empresa | Land/regio (werk)
address:home:street: Home Street | Home Street 2 | Home Street 3 | Home Address | Home Address 2 |
    Straße privat | Straße privat 2 | Straße privat 3 | Privatadresse Strasse | Rue (domicile) |
    Rue (domicile) 2 | Rue (domicile) 3 | Via (ab.) | Via (ab.) 2 | Via (ab.) 3 |
    Endereço residencial | Endereço residencial 2 | Endereço residencial 3 | Rua da residência |
    Rua da residência (2) | Rua da residência (3) | Huisadres, straat | Huisadres, straat 2 |
    Huisadres, straat 3
address:home:pobox: Home Address PO Box | Postfach privat | Boîte postale du domicile |
    Apartado postal de la dirección personal | Indirizzo (ab.) - Casella postale |
    Caixa postal do endereço residencial | Apartado da residência | Huisadres, postbusnummer
address:home:city: Home City | Ort privat | Privatadresse Stadt | Ville (domicile) | Città (ab.) |
    Cidade do endereço residencial | Localidade da residência | Huisadres, plaats
address:home:region: Home State | Bundesland/Kanton privat | Privatadresse Bundesland |
    Dép/Région (domicile) | Provincia (ab.) | Distrito da residência | Huisadres, provincie
address:home:postcode: Home Postal Code | Home Zip | Home ZipCode | Postleitzahl privat |
    Privatadresse PLZ | Code postal (domicile) | CAP (ab.) | CEP do endereço residencial |
    Código postal da residência | Huisadres, postcode
address:home:country: Home Country/Region | Home Country | Land/Region privat |
    Privatadresse Land | Pays/Région (domicile) | País o región del domicilio | Paese (ab.) |
    País/Região de Residência | País da Residência/Região | Land/regio (thuis)
address:other:street: Other Street | Other Street 2 | Other Street 3 | Weitere Straße |
    Weitere Straße 2 | Weitere Straße 3 | Andere Adr. Strasse | Rue (autre) | Rue (autre) 2 |
    Rue (autre) 3 | Otra calle | Otra calle 2 | Otra calle 3 | Altra via | Altra via 2 |
    Altra via 3 | Outro endereço | Outro endereço 2 | Outro endereço 3 | Rua do outro endereço |
    Rua do outro endereço 2 | Rua do outro endereço 3 | Ander adres, straat |
    Ander adres, straat 2 | Ander adres, straat 3
address:other:pobox: Other Address PO Box | Weiteres Postfach | Autre boîte postale |
    Otro apartado postal | Altro indirizzo - Casella postale | Caixa postal de outro endereço |
    Apartado do outro endereço | Ander adres, postbusnummer
address:other:city: Other City | Weiterer Ort | Andere Adr. Stadt | Ville (autre) | Otra ciudad |
    Altra città | Localidade do outro endereço | Ander adres, plaats
address:other:region: Other State | Weiteres/r Bundesland/Kanton | Andere Adr. Bundesland |
    Dép/Région (autre) | Otra provincia o estado | Altra provincia | Outro Estado |
    Distrito do outro endereço | Ander adres, provincie
address:other:postcode: Other Postal Code | Other Zip | Weitere Postleitzahl | Andere Adr. PLZ |
    Code postal (autre) | Otro código postal | Altro CAP | Código postal do outro endereço |
    Ander adres, postcode
address:other:country: Other Country/Region | Other Country | Weiteres/e Land/Region |
    Andere Adr. Land | Pays/Région (autre) | Otro país o región | Altro paese |
    Outro País/Região | Land/regio (anders)
address:street: Street | Street Address | Address | Address Line 1 | Address Line 2 | Straße |
    Strasse | Adresse | Anschrift | Rue | Calle | Dirección | Via | Indirizzo | Rua | Endereço |
    Straat | Adres | Ulica
address:city: City | Town | Stadt | Ort | Wohnort | Ville | Ciudad | Città | Cidade | Plaats |
    Woonplaats | Miasto | Miejscowość
address:region: State | Province | Region | County | State/Province | Bundesland | Kanton |
    Province/État | Provincia | Estado | Provincie | Województwo
address:postcode: Zip | Zip Code | ZipCode | Postal Code | Postcode | Post Code | PLZ |
    Postleitzahl | Code postal | Código postal | CAP | CEP | Kod pocztowy
address:country: Country | Country/Region | Land | Pays | País | Paese | Kraj
(ignored): Nickname | Short Name | Initials | Yomi Name | Given Name Yomi | Additional Name Yomi |
    Family Name Yomi | Phonetic First Name | Phonetic Middle Name | Phonetic Last Name | File As |
    Maiden Name | Gender | Location | Billing Information | Directory Server | Mileage |
    Occupation | Hobby | Sensitivity | Priority | Subject | Photo | Anniversary | E-mail Type |
    E-mail Display Name | E-mail 2 Type | E-mail 2 Display Name | E-mail 3 Type |
    E-mail 3 Display Name | Account | Assistant's Name | Children | Government ID Number |
    Internet Free Busy | Keywords | Language | Manager's Name | Office Location |
    Organizational ID Number | Private | Profession | Referred By | Spouse | User 1 | User 2 |
    User 3 | User 4 | Screen Name | Custom 1 | Custom 2 | Custom 3 | Custom 4 | Suffix Yomi |
    Ausspracheform Vorname | Ausspracheform Nachname | E-Mail-Typ | E-Mail: Angezeigter Name |
    E-Mail 2: Typ | E-Mail 2: Angezeigter Name | E-Mail 3: Typ | E-Mail 3: Angezeigter Name |
    Abrechnungsinformation | Benutzer 1 | Benutzer 2 | Benutzer 3 | Benutzer 4 | Beruf | Büro |
    Empfohlen von | Geschlecht | Initialen | Internet-Frei/Gebucht | Jahrestag | Kinder | Konto |
    Name Assistent | Name des/der Vorgesetzten | Organisationsnr. | Partner | Priorität | Privat |
    Regierungsnr. | Reisekilometer | Sprache | Stichwörter | Vertraulichkeit | Verzeichnisserver |
    Weiteres Postfach | Type de messagerie | Nom complet de l'adresse de messagerie |
    Type de messagerie 2 | Nom complet de l'adresse de messagerie 2 | Type de messagerie 3 |
    Nom complet de l'adresse de messagerie 3 | Sexe | Tipo de correo electrónico 2 |
    Nombre de pantalla de correo electrónico | Nombre de pantalla de correo electrónico 2 |
    Nombre de pantalla de correo electrónico 3 | Tipo de correo electrónico 3 |
    Tipo posta elettronica | Tipo posta elettronica 2 | Tipo posta elettronica 3 |
    Nome visualizzato posta elettronica | Nome visualizzato posta elettronica 2 |
    Nome visualizzato posta elettronica 3 | Tipo de email | Tipo de email 2 | Tipo de email 3 |
    Nome para exibição do email | Nome para exibição do email 2 | Nome para exibição do email 3 |
    Tipo de correio electrónico | Nome a apresentar para o correio electrónico | E-mailtype |
    E-mailtype 2 | E-mailtype 3 | Weergavenaam voor e-mail | E-mail, weergegeven naam 2 |
    E-mail, weergegeven naam 3 | Arbeit AIM | Privat AIM | Arbeit Jabber | Privat Jabber |
    Arbeit MSN | Privat MSN | Arbeit Yahoo | Privat Yahoo | Arbeit ICQ | Privat ICQ | IM Aim |
    IM Icq | IM Jabber | IM Msn | IM Skype | IM Yahoo | Manager's Name | Assistant's Name |
    Labels Yomi
"""


def _parse_synonyms(table: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    entries: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" "):
            entries[-1] += " " + line.strip()  # the previous line ended with "|"
        else:
            entries.append(line)
    parsed = []
    for entry in entries:
        key, _, names = entry.partition(": ")
        key = "" if key == "(ignored)" else key
        parsed.append((key, tuple(n.strip() for n in names.split(" | ") if n.strip())))
    return tuple(parsed)


SYNONYMS = _parse_synonyms(_SYNONYM_TABLE)

# Names that mean something else in one layout than in spreadsheets at large: in a German
# Outlook export `Ort` is Outlook's "Location" field, not the city.
KIND_OVERRIDES: dict[str, dict[str, str]] = {
    "outlook_csv": {"ort": ""},
}

# Headers only Outlook writes: its email triple in each language. Two of them make a file an
# Outlook export even when other columns were removed.
OUTLOOK_MARKERS = (
    "E-mail Type",
    "E-mail Display Name",
    "E-Mail-Typ",
    "E-Mail: Angezeigter Name",
    "Type de messagerie",
    "Nom complet de l'adresse de messagerie",
    "Nombre de pantalla de correo electrónico",
    "Tipo posta elettronica",
    "Nome visualizzato posta elettronica",
    "Tipo de email",
    "Nome para exibição do email",
    "Tipo de correio electrónico",
    "Nome a apresentar para o correio electrónico",
    "E-mailtype",
    "Weergavenaam voor e-mail",
    "Business Street",
    "Straße geschäftlich",
    "Rue (bureau)",
    "Calle del trabajo",
    "Via (uff.)",
    "Rua do endereço comercial",
    "Werkadres, straat",
    "Business Country/Region",
    "Land/Region geschäftlich",
    "Pays/Région (bureau)",
    "País o región del trabajo",
    "Paese (uff.)",
    "País/Região da Empresa",
    "Land/regio (werk)",
    "Home Country/Region",
)
# Apple Contacts (macOS Address Book) export names; iCloud itself only exports vCard.
APPLE_MARKERS = (
    "Phonetic First Name",
    "Phonetic Last Name",
    "Ausspracheform Vorname",
    "Ausspracheform Nachname",
    "Arbeit E-Mail",
    "Privat E-Mail",
    "Andere E-Mail",
    "Arbeit Telefon",
    "Privat Telefon",
    "Hauptnummer",
    "Arbeitsadresse Strasse",
    "Arbeitsadresse Stadt",
    "Privatadresse Strasse",
    "Andere Adr. Strasse",
    "Pager Nummer",
    "Andere Telefonnummer",
    "Arbeit Fax",
    "Privat Fax",
    "Work Email",
    "Home Email",
    "iPhone",
)
THUNDERBIRD_MARKERS = (
    "Primary Email",
    "Secondary Email",
    "Screen Name",
    "Work ZipCode",
    "Home ZipCode",
    "Birth Year",
    "Birth Month",
    "Mobile Number",
    "Pager Number",
    "Fax Number",
    "Web Page 1",
)

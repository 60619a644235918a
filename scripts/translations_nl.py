"""Dutch translations, applied to locale/nl/LC_MESSAGES/django.po by `make messages`.

Keeping them here (instead of only in the .po) lets a reviewer read the Dutch UI in one place
and lets `makemessages` be rerun without losing work.
"""

NL = {
    "Audit trail": "Audittrail",
    "signed in": "heeft ingelogd",
    "failed to sign in": "kon niet inloggen",
    "was locked out after repeated failed sign-ins": "is geblokkeerd na herhaalde mislukte inlogpogingen",
    "signed out": "heeft uitgelogd",
    "created the organisation": "heeft de organisatie aangemaakt",
    "gave a user a role": "heeft een gebruiker een rol gegeven",
    "changed a user's role": "heeft de rol van een gebruiker gewijzigd",
    "removed a user's role": "heeft de rol van een gebruiker ingetrokken",
    "added a processing activity to the register": "heeft een verwerking aan het register toegevoegd",
    "audit event": "auditgebeurtenis",
    "audit events": "auditgebeurtenissen",
    "Dutch": "Nederlands",
    "English": "Engels",
    "Organisations": "Organisaties",
    "Employee": "Klantcontactmedewerker",
    "Coach": "Coach",
    "Team leader": "Teamleider",
    "Manager": "Leidinggevende",
    "Privacy officer": "Functionaris gegevensbescherming",
    "Administrator": "Beheerder",
    "Auditor": "Auditor",
    "Dashboard": "Overzicht",
    "Processing register": "Verwerkingsregister",
    "Members": "Leden",
    "Role": "Rol",
    "Six-digit code from your authenticator app": "Zescijferige code uit uw authenticator-app",
    "Enter the six digits your app shows.": "Vul de zes cijfers in die uw app toont.",
    "%(value)s is not a known time zone.": "%(value)s is geen bekende tijdzone.",
    "short name": "korte naam",
    "name": "naam",
    "time zone": "tijdzone",
    "organisation": "organisatie",
    "organisations": "organisaties",
    "team": "team",
    "teams": "teams",
    "PBX agent id": "agent-id in de telefooncentrale",
    "active": "actief",
    "employee": "medewerker",
    "employees": "medewerkers",
    "The team belongs to another organisation.": "Het team hoort bij een andere organisatie.",
    "role": "rol",
    "For coaches and team leaders: the teams they work with.": "Voor coaches en teamleiders: de teams waarmee zij werken.",
    "membership": "lidmaatschap",
    "memberships": "lidmaatschappen",
    "That code is not valid. Check your app's clock and try again.": "Die code is niet geldig. Controleer de klok van uw app en probeer het opnieuw.",
    "Choose one of the listed roles.": "Kies een van de genoemde rollen.",
    "You cannot change your own role; ask another administrator.": "U kunt uw eigen rol niet wijzigen; vraag een andere beheerder.",
    "%(user)s is now %(role)s.": "%(user)s is nu %(role)s.",
    "Consent": "Toestemming",
    "Performance of a contract": "Uitvoering overeenkomst",
    "Legal obligation": "Wettelijke verplichting",
    "Vital interests": "Vitaal belang",
    "Public task": "Taak van algemeen belang",
    "Legitimate interest": "Gerechtvaardigd belang",
    "days": "dagen",
    "months": "maanden",
    "years": "jaar",
    "Recording audio and call metadata": "Gespreksopnamen en gespreksgegevens",
    "QM forms and evaluations": "QM-formulieren en beoordelingen",
    "Calibration results": "Kalibratieresultaten",
    "Requests, cases and disclosures": "Verzoeken, casussen en verstrekkingen",
    "Other": "Overig",
    "Role within the organisation": "Rol binnen de organisatie",
    "Processor": "Verwerker",
    "Outside party": "Externe ontvanger",
    "reference": "referentienummer",
    "description": "omschrijving",
    "controller": "verwerkingsverantwoordelijke",
    "visiting address": "bezoekadres",
    "postal address": "postadres",
    "automated decision-making": "geautomatiseerde besluitvorming",
    "transfer outside the EU": "doorgifte buiten de EU",
    "related processing activities": "gerelateerde verwerkingen",
    "processing activity": "verwerking",
    "processing activities": "verwerkingen",
    "code": "code",
    "Stable name that requests and listens refer to.": "Vaste naam waarnaar verzoeken en luisterbeurten verwijzen.",
    "purpose": "doel",
    "legal basis": "grondslag",
    "explanation of the legal basis": "toelichting op de grondslag",
    "purposes": "doelen",
    "retention period": "bewaartermijn",
    "unit": "eenheid",
    "retention as worded in the register": "bewaartermijn zoals in het register verwoord",
    "data subjects": "betrokkenen",
    "personal data": "persoonsgegevens",
    "collection purpose": "verzameldoel",
    "data category": "gegevenscategorie",
    "source": "bron",
    "mandatory supply": "aanleverplicht",
    "mandatory supply as worded": "aanleverplicht zoals verwoord",
    "data subject entry": "regel betrokkenen en gegevens",
    "data subject entries": "regels betrokkenen en gegevens",
    "recipient": "ontvanger",
    "kind": "soort",
    "For recipients inside the organisation: the role that receives.": "Voor ontvangers binnen de organisatie: de rol die ontvangt.",
    "recipients": "ontvangers",
    "Chain verified": "Keten geverifieerd",
    "Chain broken": "Keten verbroken",
    "last checked %(when)s": "laatst gecontroleerd %(when)s",
    "Not yet verified": "Nog niet geverifieerd",
    "When": "Wanneer",
    "Who": "Wie",
    "What": "Wat",
    "Object": "Object",
    "Purpose": "Doel",
    "No events yet.": "Nog geen gebeurtenissen.",
    "Older events": "Oudere gebeurtenissen",
    "Demo installation: demo accounts with a shared password, two-factor sign-in is switched off. Do not load real recordings.": "Demo-installatie: demo-accounts met een gedeeld wachtwoord, inloggen met twee factoren staat uit. Laad hier geen echte opnamen.",
    "Main": "Hoofdmenu",
    "Organisation": "Organisatie",
    "Sign out": "Uitloggen",
    "Language": "Taal",
    "Change": "Wijzigen",
    "Times are shown in": "Tijden worden getoond in",
    "You work here as %(role)s.": "U werkt hier als %(role)s.",
    "Dates and times are shown in %(tz)s.": "Datums en tijden worden getoond in %(tz)s.",
    "Members and roles": "Leden en rollen",
    "Each change of role is written to the audit trail. Nobody can change their own role.": "Elke rolwijziging wordt in de audittrail vastgelegd. Niemand kan de eigen rol wijzigen.",
    "User": "Gebruiker",
    "Change role": "Rol wijzigen",
    "Save": "Opslaan",
    "No organisation": "Geen organisatie",
    "You do not belong to an organisation yet": "U hoort nog niet bij een organisatie",
    "Ask an administrator of your organisation to give you a role in Earshot.": "Vraag een beheerder van uw organisatie om u een rol in Earshot te geven.",
    "Purposes": "Doelen van de verwerking",
    "Legal basis": "Grondslag",
    "Data subjects and data": "Betrokkenen en gegevens",
    "Data subjects": "Betrokkene(n)",
    "Personal data": "Persoonsgegevens",
    "Collection purpose": "Verzameldoel",
    "Retention period": "Bewaartermijn",
    "Source": "Bron",
    "Mandatory supply": "Aanleverplicht",
    "yes": "ja",
    "no": "nee",
    "Recipients": "Ontvangers",
    "Automated decision-making": "Geautomatiseerde besluitvorming",
    "Transfer outside the EU": "Doorgifte buiten de EU",
    "Controller": "Verwerkingsverantwoordelijke",
    "The register has no processing activities yet.": "Het register bevat nog geen verwerkingen.",
    "Account locked": "Account geblokkeerd",
    "Too many failed sign-ins": "Te veel mislukte inlogpogingen",
    "Signing in is blocked for this account from this address for a while, after repeated wrong passwords. Try again later, or ask your administrator.": "Na herhaalde onjuiste wachtwoorden is inloggen voor dit account vanaf dit adres een tijd geblokkeerd. Probeer het later opnieuw of vraag uw beheerder.",
    "Sign in": "Inloggen",
    "Sign in to Earshot": "Inloggen bij Earshot",
    "Username": "Gebruikersnaam",
    "Password": "Wachtwoord",
    "Two-factor sign-in": "Inloggen met twee factoren",
    "Set up two-factor sign-in": "Inloggen met twee factoren instellen",
    "Your role gives access to other people's recordings or to the configuration, so you sign in with a code from an authenticator app as well. Scan this code with the app, then enter the six digits it shows.": "Uw rol geeft toegang tot opnamen van anderen of tot de configuratie. Daarom logt u ook in met een code uit een authenticator-app. Scan deze code met de app en vul daarna de zes cijfers in die de app toont.",
    "Cannot scan? Enter this key in the app:": "Lukt scannen niet? Voer deze sleutel in de app in:",
    "Enter your sign-in code": "Vul uw inlogcode in",
    "Open your authenticator app and enter the six digits it shows for Earshot.": "Open uw authenticator-app en vul de zes cijfers in die de app voor Earshot toont.",
    "Confirm": "Bevestigen",
    # Player and upload (static/js/player.js, static/js/upload.js read these from data-*).
    "Pause": "Pauze",
    "The audio could not be played.": "De opname kon niet worden afgespeeld.",
    "ready to upload": "klaar om te uploaden",
    "uploading…": "bezig met uploaden…",
    "open": "openen",
    "no audio file for this sidecar": "geen audiobestand bij dit JSON-bestand",
    "The upload did not reach the server; check the connection and try again.": "De upload heeft de server niet bereikt; controleer de verbinding en probeer het opnieuw.",
    "The server refused the file (HTTP {status}).": "De server heeft het bestand geweigerd (HTTP {status}).",
    "Choose or drop at least one file first.": "Kies of sleep eerst minstens één bestand.",
    "{stored} stored, {refused} refused": "{stored} opgeslagen, {refused} geweigerd",
    # Recordings, ingest and access to recordings.
    "Access to recordings": "Toegang tot opnamen",
    "Calls the person handled": "Gesprekken die de persoon zelf heeft gevoerd",
    "Calls of the teams the person works with": "Gesprekken van de teams waarmee de persoon werkt",
    "From": "Van",
    "To": "Tot en met",
    "Team": "Team",
    "Queue": "Wachtrij",
    "Phone number": "Telefoonnummer",
    "Status": "Status",
    "Not a phone number.": "Dit is geen telefoonnummer.",
    "scope": "reikwijdte",
    "standing right": "vast recht",
    "standing rights": "vaste rechten",
    "No such recording.": "Deze opname bestaat niet.",
    "This recording has been erased.": "Deze opname is gewist.",
    "This recording is past its retention deadline and may not be played.": "De bewaartermijn van deze opname is verstreken; de opname mag niet meer worden afgespeeld.",
    "Say for which purpose you listen.": "Geef aan met welk doel u terugluistert.",
    "You have no right to hear this call for that purpose.": "U hebt geen recht om dit gesprek voor dat doel terug te luisteren.",
    "stored a recording": "heeft een opname opgeslagen",
    "refused a recording at ingest": "heeft een opname bij het aanleveren geweigerd",
    "created an ingest API token": "heeft een API-token voor aanlevering aangemaakt",
    "revoked an ingest API token": "heeft een API-token voor aanlevering ingetrokken",
    "listened to a recording": "heeft een opname teruggeluisterd",
    "was refused access to a recording": "kreeg geen toegang tot een opname",
    "Recordings": "Opnamen",
    "Upload": "Uploaden",
    "Inbound": "Inkomend",
    "Outbound": "Uitgaand",
    "Internal": "Intern",
    "Being stored": "Wordt opgeslagen",
    "Under legal hold": "Onder juridische bewaarplicht",
    "Purged": "Gewist",
    "Browser upload": "Upload via browser",
    "HTTP API": "HTTP-API",
    "Drop folder": "Aanlevermap",
    "Call id": "Gespreks-id",
    "Start of the call": "Begin van het gesprek",
    "Duration (s)": "Duur (s)",
    "Queue / line": "Wachtrij / lijn",
    "Identifier or version of the announcement that told the caller.": "Kenmerk of versie van de melding die de beller heeft geïnformeerd.",
    "Customer phone number": "Telefoonnummer klant",
    "Customer postcode": "Postcode klant",
    "Customer BSN": "BSN klant",
    "Customer gender": "Geslacht klant",
    "Customer date of birth": "Geboortedatum klant",
    "The call cannot start in the future.": "Het gesprek kan niet in de toekomst beginnen.",
    "This BSN does not pass the elfproef.": "Dit BSN voldoet niet aan de elfproef.",
    "This is not a Dutch postcode.": "Dit is geen Nederlandse postcode.",
    "No employee of this organisation has PBX agent id %(value)s.": "Geen medewerker van deze organisatie heeft agent-id %(value)s in de telefooncentrale.",
    "Unknown metadata fields: %(keys)s.": "Onbekende metadatavelden: %(keys)s.",
    "This organisation's register does not declare that calls carry this field.": "Het register van deze organisatie vermeldt niet dat gesprekken dit gegeven bevatten.",
    "call id": "gespreks-id",
    "start": "begin",
    "duration (s)": "duur (s)",
    "queue / line": "wachtrij / lijn",
    "customer phone number": "telefoonnummer klant",
    "customer postcode": "postcode klant",
    "customer BSN": "BSN klant",
    "customer gender": "geslacht klant",
    "customer date of birth": "geboortedatum klant",
    "recording announcement": "opnamemelding",
    "size (bytes)": "grootte (bytes)",
    "SHA-256": "SHA-256",
    "channels": "kanalen",
    "sample rate": "samplefrequentie",
    "audio duration (s)": "duur audio (s)",
    "erased at the latest": "uiterlijk gewist op",
    "status": "status",
    "ingested": "aangeleverd",
    "ingested via": "aangeleverd via",
    "recording": "opname",
    "recordings": "opnamen",
    "ingest token": "aanlevertoken",
    "ingest tokens": "aanlevertokens",
    "The file is empty.": "Het bestand is leeg.",
    "The file is larger than the limit of %(limit)s MB.": "Het bestand is groter dan de limiet van %(limit)s MB.",
    "MPEG audio layer %(layer)s": "MPEG-audio layer %(layer)s",
    "The Ogg file is truncated: its final page is missing.": "Het Ogg-bestand is afgekapt: de laatste pagina ontbreekt.",
    "The file contains no audio track.": "Het bestand bevat geen audiospoor.",
    "an Ogg codec other than Vorbis or Opus": "een andere Ogg-codec dan Vorbis of Opus",
    "raw MPEG audio other than MP3": "ruwe MPEG-audio anders dan MP3",
    "This is not an audio file Earshot can read (WAV, MP3, Ogg Vorbis/Opus, FLAC or M4A/AAC).": "Dit is geen audiobestand dat Earshot kan lezen (WAV, MP3, Ogg Vorbis/Opus, FLAC of M4A/AAC).",
    "The MP3 file contains no valid audio frames.": "Het MP3-bestand bevat geen geldige audioframes.",
    "The WAV file is truncated: its header announces %(expected)s bytes of audio but the file holds %(actual)s.": "Het WAV-bestand is afgekapt: de header kondigt %(expected)s bytes audio aan, maar het bestand bevat er %(actual)s.",
    "The WAV file is damaged: its headers are incomplete.": "Het WAV-bestand is beschadigd: de headers zijn onvolledig.",
    "WAV format tag %(tag)s": "WAV-formaattag %(tag)s",
    "WAV with %(bits)s-bit samples": "WAV met %(bits)s-bits samples",
    "The WAV file is damaged: its format header contradicts itself.": "Het WAV-bestand is beschadigd: de formaatheader is tegenstrijdig.",
    "The FLAC file is truncated: the end of its audio is missing.": "Het FLAC-bestand is afgekapt: het einde van de audio ontbreekt.",
    "The M4A file is truncated: it should hold %(expected)s bytes but holds %(actual)s.": "Het M4A-bestand is afgekapt: het zou %(expected)s bytes moeten bevatten, maar bevat er %(actual)s.",
    "The file contains no audio: it lasts zero seconds.": "Het bestand bevat geen audio: het duurt nul seconden.",
    "The file contains no audio: it declares no channels.": "Het bestand bevat geen audio: het vermeldt geen kanalen.",
    "The file contains no audio: its sample rate is zero.": "Het bestand bevat geen audio: de samplefrequentie is nul.",
    "The %(format)s file is damaged and cannot be read.": "Het %(format)s-bestand is beschadigd en kan niet worden gelezen.",
    "Earshot cannot accept this recording's encoding (%(encoding)s). Please convert it to WAV (PCM, µ-law, A-law or GSM 6.10), MP3, Ogg Vorbis/Opus, FLAC or M4A/AAC.": "Earshot kan de codering van deze opname (%(encoding)s) niet accepteren. Zet de opname om naar WAV (PCM, µ-law, A-law of GSM 6.10), MP3, Ogg Vorbis/Opus, FLAC of M4A/AAC.",
    "The metadata must be a JSON object.": "De metadata moeten een JSON-object zijn.",
    "Call %(call_id)s is already in Earshot.": "Gesprek %(call_id)s staat al in Earshot.",
    "The same audio is already in Earshot under another call id.": "Dezelfde audio staat al in Earshot onder een ander gespreks-id.",
    "The organisation's register declares no retention period for recordings, so Earshot cannot know when to erase this call. Declare it in the register first.": "Het register van de organisatie vermeldt geen bewaartermijn voor opnamen, dus Earshot kan niet bepalen wanneer dit gesprek gewist moet worden. Leg de bewaartermijn eerst vast in het register.",
    "This call is older than the declared retention of %(days)s days and may no longer exist.": "Dit gesprek is ouder dan de vastgelegde bewaartermijn van %(days)s dagen en mag niet meer bestaan.",
    "This call is already being stored.": "Dit gesprek wordt al opgeslagen.",
    "The sidecar is not valid JSON: %(error)s": "Het JSON-bestand bij de opname is geen geldige JSON: %(error)s",
    "Choose an audio file.": "Kies een audiobestand.",
    "Name": "Naam",
    "Address": "Adres",
    "BSN": "BSN",
    "Gender": "Geslacht",
    "Date of birth": "Geboortedatum",
    "customer identification recorded with calls": "klantgegevens die bij gesprekken worden vastgelegd",
    "Which customer fields a recording may carry (register.CustomerField).": "Welke klantgegevens een opname mag bevatten (register.CustomerField).",
    "Unknown customer fields: %(fields)s": "Onbekende klantgegevens: %(fields)s",
    "Recording": "Opname",
    "Call": "Gesprek",
    "Listen": "Terugluisteren",
    "I listen for": "Doel van het terugluisteren",
    "Back 5 seconds (←)": "5 seconden terug (←)",
    "Play or pause (space)": "Afspelen of pauzeren (spatiebalk)",
    "Play": "Afspelen",
    "Forward 5 seconds (→)": "5 seconden vooruit (→)",
    "Speed": "Snelheid",
    "Slower / faster ([ and ])": "Langzamer / sneller ([ en ])",
    "Keys: space play/pause, ← → 5 seconds, [ ] speed. Every listen is recorded in the audit trail with its purpose.": "Toetsen: spatiebalk afspelen/pauzeren, ← → 5 seconden, [ ] snelheid. Elke keer dat u terugluistert, wordt met het doel in de audittrail vastgelegd.",
    "You have no standing right to hear this call.": "U hebt geen vast recht om dit gesprek terug te luisteren.",
    "Details": "Gegevens",
    "Start": "Begin",
    "Caller informed": "Beller geïnformeerd",
    "yes, announcement %(announcement)s": "ja, melding %(announcement)s",
    "not recorded": "niet vastgelegd",
    "channel(s)": "kanaal/kanalen",
    "Erased at the latest": "Uiterlijk gewist op",
    "%(days)s days after the call": "%(days)s dagen na het gesprek",
    "Filter": "Filteren",
    "Clear": "Wissen",
    "No recordings you may see match these filters.": "Er zijn geen opnamen die u mag zien en die aan deze filters voldoen.",
    "Newest": "Nieuwste",
    "Older": "Ouder",
    "Upload recordings": "Opnamen uploaden",
    "Drop audio files here (WAV, MP3, Ogg, FLAC, M4A), with a JSON sidecar of the same name if you have one, or": "Sleep audiobestanden hierheen (WAV, MP3, Ogg, FLAC, M4A), eventueel met een JSON-bestand met dezelfde naam, of",
    "choose files": "kies bestanden",
    "All calls of the organisation": "Alle gesprekken van de organisatie",
    "Direction": "Richting",
    "The purpose belongs to another organisation.": "Het doel hoort bij een andere organisatie.",
    "Active": "Actief",
    "Recording announcement": "Opnamemelding",
    "Customer name": "Naam klant",
    "Customer address": "Adres klant",
    "%(value)s is not a phone number Earshot recognises.": "%(value)s is geen telefoonnummer dat Earshot herkent.",
    "direction": "richting",
    "customer name": "naam klant",
    "customer address": "adres klant",
    "container": "containerformaat",
    "codec": "codec",
    "retention applied (days)": "toegepaste bewaartermijn (dagen)",
    "Postcode": "Postcode",
    "Position": "Positie",
    "Duration": "Duur",
    "Audio": "Audio",
    "Metadata for files without a sidecar (the call id is the file name)": "Metadata voor bestanden zonder JSON-bestand (het gespreks-id is de bestandsnaam)",
    # Ingest tokens: the administrator's page and the API's refusals.
    "set or changed the expiry of an ingest API token": "heeft de vervaldatum van een API-token voor aanlevering ingesteld of gewijzigd",
    "created": "aangemaakt",
    "created by": "aangemaakt door",
    "last used": "laatst gebruikt",
    "expires": "verloopt",
    "revoked": "ingetrokken",
    "revoked by": "ingetrokken door",
    "Ingest tokens": "Aanlevertokens",
    "Enter a date and time such as 2027-01-31 17:00.": "Vul een datum en tijd in, zoals 2027-01-31 17:00.",
    "Choose a moment in the future.": "Kies een moment in de toekomst.",
    "Give the token a name, e.g. the recorder that uses it.": "Geef het token een naam, bijvoorbeeld de recorder die het gebruikt.",
    "A token named %(name)s exists already; choose another name.": "Er bestaat al een token met de naam %(name)s; kies een andere naam.",
    "This token is revoked; create a new one.": "Dit token is ingetrokken; maak een nieuw token aan.",
    "This token has expired; create a new one.": "Dit token is verlopen; maak een nieuw token aan.",
    "This token was revoked; ask an administrator of the organisation for a new one.": "Dit token is ingetrokken; vraag een beheerder van de organisatie om een nieuw token.",
    "This token expired at %(moment)s; ask an administrator of the organisation for a new one.": "Dit token is verlopen op %(moment)s; vraag een beheerder van de organisatie om een nieuw token.",
    "Expires": "Verloopt",
    "Optional. From this moment on the API refuses the token. Leave empty for no expiry. Times are in the organisation's time zone.": "Optioneel. Vanaf dit moment weigert de API het token. Laat leeg voor geen vervaldatum. Tijden in de tijdzone van de organisatie.",
    "Which recorder or PBX uses it, e.g. Asterisk 1.": "Welke recorder of telefooncentrale het gebruikt, bijvoorbeeld Asterisk 1.",
    "The expiry of %(name)s is saved.": "De vervaldatum van %(name)s is opgeslagen.",
    "%(name)s already had that expiry.": "%(name)s had die vervaldatum al.",
    "%(name)s is revoked: the API refuses it from now on.": "%(name)s is ingetrokken: de API weigert het vanaf nu.",
    "%(name)s was revoked already; nothing changed.": "%(name)s was al ingetrokken; er is niets veranderd.",
    "Recorders and PBXs push calls to the HTTP API with one of these tokens. Each creation, expiry change and revocation is written to the audit trail.": "Recorders en telefooncentrales leveren gesprekken aan via de HTTP-API met een van deze tokens. Elke aanmaak, wijziging van de vervaldatum en intrekking komt in de audittrail.",
    "Token %(name)s is created": "Token %(name)s is aangemaakt",
    "Copy it now: it will not be shown again. Earshot keeps only its hash.": "Kopieer het nu: het wordt niet nog eens getoond. Earshot bewaart alleen de hash ervan.",
    "Token": "Token",
    "The recorder sends it as: Authorization: Bearer <token>": "De recorder stuurt het mee als: Authorization: Bearer <token>",
    "Created": "Aangemaakt",
    "Last used": "Laatst gebruikt",
    "Actions": "Acties",
    "by a command": "via een opdracht",
    "never": "nooit",
    "no expiry": "geen vervaldatum",
    "Change expiry": "Vervaldatum wijzigen",
    "Revoke": "Intrekken",
    "No tokens yet.": "Nog geen tokens.",
    "Create a token": "Een token aanmaken",
    "Create token": "Token aanmaken",
    "Token expiry": "Vervaldatum van het token",
    "Expiry of token %(name)s": "Vervaldatum van token %(name)s",
    "Now expires at %(when)s.": "Verloopt nu op %(when)s.",
    "Now it does not expire.": "Verloopt nu niet.",
    "Save expiry": "Vervaldatum opslaan",
    "Revoke token": "Token intrekken",
    "Revoke token %(name)s?": "Token %(name)s intrekken?",
    "This token was revoked already, at %(when)s.": "Dit token was al ingetrokken, op %(when)s.",
    "Back to the tokens": "Terug naar de tokens",
    "The API refuses this token at once; a recorder that uses it can no longer push calls. This cannot be undone: create a new token instead.": "De API weigert dit token meteen; een recorder die het gebruikt kan geen gesprekken meer aanleveren. Dit kan niet ongedaan worden gemaakt: maak in plaats daarvan een nieuw token aan.",
    # Ingest metadata: types, JSON, daylight saving (recordings/metadata.py, services.py, api.py).
    "null": "null",
    "true or false": "true of false",
    "a number": "een getal",
    "text": "tekst",
    "a list": "een lijst",
    "an object": "een object",
    "Expected %(expected)s, got %(got)s.": "Verwacht: %(expected)s; ontvangen: %(got)s.",
    "This text contains characters that are not valid Unicode.": "Deze tekst bevat tekens die geen geldige Unicode zijn.",
    "a date (YYYY-MM-DD)": "een datum (JJJJ-MM-DD)",
    "a date and time (ISO 8601)": "een datum en tijd (ISO 8601)",
    "Enter a valid date/time.": "Vul een geldige datum/tijd in.",
    "The start lies in the hour that occurs twice when the clocks go back; the earlier of the two was taken. Send the start with an offset to avoid this.": "Het begin valt in het uur dat twee keer voorkomt als de klok wordt teruggezet; het eerste van de twee is aangenomen. Stuur het begin met een tijdsverschil (offset) mee om dit te voorkomen.",
    "The start lies in the hour that occurs twice when the clocks go back; the time of the file decided which of the two.": "Het begin valt in het uur dat twee keer voorkomt als de klok wordt teruggezet; de tijd van het bestand bepaalde welke van de twee.",
    "The start lies in the hour that occurs twice when the clocks go back; the second of the two was taken, as given.": "Het begin valt in het uur dat twee keer voorkomt als de klok wordt teruggezet; het tweede van de twee is aangenomen, zoals aangegeven.",
    "The start lies in the hour skipped when the clocks go forward; it was read with the winter offset, an hour later on the summer clock.": "Het begin valt in het uur dat wordt overgeslagen als de klok wordt vooruitgezet; het is gelezen met het wintertijdverschil, een uur later op de zomerklok.",
    "%(name)s is not a number JSON allows.": "%(name)s is geen getal dat JSON toestaat.",
    "A field is given twice: %(keys)s.": "Een veld komt twee keer voor: %(keys)s.",
    "The metadata is larger than %(kb)s KB.": "De metadata zijn groter dan %(kb)s KB.",
    "The metadata is not UTF-8 text.": "De metadata zijn geen UTF-8-tekst.",
    "The metadata is not valid JSON: %(error)s": "De metadata zijn geen geldige JSON: %(error)s",
    "The metadata is nested too deeply.": "De metadata zijn te diep genest.",
    "The metadata holds a number too long to read.": "De metadata bevatten een getal dat te lang is om te lezen.",
    "The metadata (or another form field) is larger than this server accepts.": "De metadata (of een ander formulierveld) zijn groter dan deze server accepteert.",
    "The request has too many fields or files.": "Het verzoek bevat te veel velden of bestanden.",
    "removed the oldest audit events behind a signed checkpoint": "heeft de oudste auditgebeurtenissen verwijderd achter een ondertekend controlepunt",
    "downloaded the signed checkpoints of the audit trail": "heeft de ondertekende controlepunten van de audittrail gedownload",
    "Last verified signed checkpoint": "Laatst gecontroleerde ondertekende controlepunt",
    "none yet": "nog geen",
    "event %(sequence)d, signed %(when)s": "gebeurtenis %(sequence)d, ondertekend %(when)s",
    "hourly": "elk uur",
    "after a purge run": "na een opschoonronde",
    "by command": "via opdracht",
    "before pruning": "voor het inkorten",
    "Signed checkpoints": "Ondertekende controlepunten",
    "Each checkpoint is the chain's last event and hash, signed with a key that is kept outside the database and stored where the database cannot change it. Verification compares the trail with them, so a change made directly in the database shows.": "Elk controlepunt is de laatste gebeurtenis en hash van de keten, ondertekend met een sleutel die buiten de database wordt bewaard, en opgeslagen waar de database het niet kan wijzigen. De controle vergelijkt de audittrail ermee, zodat een wijziging die rechtstreeks in de database is gedaan zichtbaar wordt.",
    "Last verified against the signed checkpoint of %(when)s (event %(sequence)s).": "Laatst gecontroleerd tegen het ondertekende controlepunt van %(when)s (gebeurtenis %(sequence)s).",
    "Not yet verified against a signed checkpoint.": "Nog niet gecontroleerd tegen een ondertekend controlepunt.",
    "Signed": "Ondertekend",
    "Up to event": "Tot en met gebeurtenis",
    "Occasion": "Aanleiding",
    "Key": "Sleutel",
    "events before %(first)s pruned": "gebeurtenissen vóór %(first)s verwijderd",
    "Download the signed checkpoints": "Download de ondertekende controlepunten",
    "Download the public verify key": "Download de publieke verificatiesleutel",
    "Keep a copy of both: the verify_audit command with --checkpoints checks the trail against your copy, even if the server's copy is gone.": "Bewaar van beide een kopie: de opdracht verify_audit met --checkpoints controleert de audittrail tegen uw kopie, ook als de kopie op de server weg is.",
    "Events": "Gebeurtenissen",
    "after a restore": "na het terugzetten van een back-up",
    "recorded that the database was restored from a backup": "heeft vastgelegd dat de database is teruggezet uit een back-up",
    "Demo installation: demo accounts with a shared password; two-factor sign-in is switched on for managers, privacy officers, administrators and auditors. Do not load real recordings.": "Demo-installatie: demo-accounts met een gedeeld wachtwoord; inloggen met twee factoren staat aan voor leidinggevenden, functionarissen gegevensbescherming, beheerders en auditors. Laad hier geen echte opnamen.",
}

# Four eyes: requests, approvals, grants, cases, disclosures and the access policy.
NL.update(
    {
        "The policy does not let your role open this kind of case.": "Het beleid staat uw rol niet toe dit soort zaak te openen.",
        "One of the recordings does not exist.": "Een van de opnamen bestaat niet.",
        "A case with this reference already exists.": "Er bestaat al een zaak met dit kenmerk.",
        "No such case.": "Deze zaak bestaat niet.",
        "The case already has that status.": "De zaak heeft die status al.",
        "Playback": "Terugluisteren",
        "Disclosure to an outside recipient": "Verstrekking aan een externe ontvanger",
        "Pending": "In behandeling",
        "Approved": "Goedgekeurd",
        "Denied": "Afgewezen",
        "Withdrawn": "Ingetrokken",
        "Expired": "Verlopen",
        "Revoked": "Herroepen",
        "Escalated": "Doorgezet",
        "Complaint": "Klacht",
        "Suspected misconduct": "Vermoeden van ernstig verwijtbaar gedrag",
        "Threat": "Bedreiging",
        "Open": "Open",
        "Closed": "Gesloten",
        "Phone": "Telefoon",
        "E-mail": "E-mail",
        "Letter": "Brief",
        "In person": "Persoonlijk",
        "Internal report": "Interne melding",
        "This disclosure has already been produced.": "Deze verstrekking is al aangemaakt.",
        "%(organisation)s shares a recording with you": "%(organisation)s deelt een opname met u",
        "%(organisation)s makes a copy of one or more call recordings available to you. Download it here until %(expires)s:\n%(link)s\n\nThe page asks for a code; you receive it in a separate message.\n": "%(organisation)s stelt een kopie van een of meer gespreksopnamen aan u beschikbaar. Download deze hier tot %(expires)s:\n%(link)s\n\nDe pagina vraagt om een code; die ontvangt u in een apart bericht.\n",
        "Your code for the recording of %(organisation)s": "Uw code voor de opname van %(organisation)s",
        "The code that opens the download link you received separately: %(code)s\n": "De code voor de downloadlink die u apart hebt ontvangen: %(code)s\n",
        "The copy could not be deleted; it will be tried again.": "De kopie kon niet worden verwijderd; dit wordt opnieuw geprobeerd.",
        "No such disclosure.": "Deze verstrekking bestaat niet.",
        "This link has already been cancelled.": "Deze link is al ingetrokken.",
        "Calls": "Gesprekken",
        "The call id of each recording, one per line.": "Het gespreks-id van elke opname, één per regel.",
        "Motivation": "Motivering",
        "Why you need to hear these calls. The approver reads this in full.": "Waarom u deze gesprekken moet beluisteren. De beoordelaar leest dit volledig.",
        "Case": "Zaak",
        "Recipient": "Ontvanger",
        "Recipient's e-mail address": "E-mailadres van de ontvanger",
        "Name at least one call.": "Noem ten minste één gesprek.",
        "At most %(n)d calls per request.": "Ten hoogste %(n)d gesprekken per verzoek.",
        "Unknown call ids: %(ids)s": "Onbekende gespreks-id's: %(ids)s",
        "Comment": "Toelichting",
        "Pass on to": "Doorzetten naar",
        "Kind": "Soort",
        "Reference": "Kenmerk",
        "As in your complaints register; leave empty to number automatically.": "Zoals in uw klachtenregistratie; laat leeg om automatisch te nummeren.",
        "Received via": "Ontvangen via",
        "Received on": "Ontvangen op",
        "Customer contact": "Contactgegevens klant",
        "Description": "Omschrijving",
        "Call ids of the recordings this case is about, one per line.": "Gespreks-id's van de opnamen waar deze zaak over gaat, één per regel.",
        "no standing right": "geen vast recht",
        "Who may ask": "Wie mag verzoeken",
        "Who may approve": "Wie mag goedkeuren",
        "These roles hold no approve right: %(roles)s": "Deze rollen hebben geen goedkeurrecht: %(roles)s",
        "Who may ask needs someone who may approve.": "Wie mag verzoeken, heeft iemand nodig die mag goedkeuren.",
        "Explain why you need this in at least %(words)d words: the approver must be able to judge it.": "Leg in ten minste %(words)d woorden uit waarom u dit nodig hebt: de beoordelaar moet het kunnen afwegen.",
        "The motivation repeats itself; explain the reason.": "De motivering herhaalt zichzelf; leg de reden uit.",
        "The policy does not allow requests for this purpose.": "Het beleid staat voor dit doel geen verzoeken toe.",
        "Name at least one recording.": "Noem ten minste één opname.",
        "One of the recordings does not exist or has been erased.": "Een van de opnamen bestaat niet of is gewist.",
        "Call %(call)s is past its retention deadline.": "Gesprek %(call)s is voorbij zijn bewaartermijn.",
        "This purpose needs a case: link the case this request is for.": "Dit doel vraagt om een zaak: koppel de zaak waarvoor dit verzoek is.",
        "This purpose needs a case of the kind %(kind)s.": "Dit doel vraagt om een zaak van de soort %(kind)s.",
        "The case is closed.": "De zaak is gesloten.",
        "The policy does not let your role ask for this purpose.": "Het beleid staat uw rol niet toe voor dit doel te verzoeken.",
        "The policy does not name this recipient for this purpose.": "Het beleid noemt deze ontvanger niet voor dit doel.",
        "Give the recipient's e-mail address for the download link.": "Geef het e-mailadres van de ontvanger voor de downloadlink.",
        "No such request.": "Dit verzoek bestaat niet.",
        "You cannot decide on your own request.": "U kunt niet beslissen over uw eigen verzoek.",
        "Your role may not approve requests.": "Uw rol mag geen verzoeken goedkeuren.",
        "The policy does not name your role as approver for this purpose.": "Het beleid noemt uw rol niet als beoordelaar voor dit doel.",
        "This request is no longer waiting for a decision (%(status)s).": "Dit verzoek wacht niet meer op een besluit (%(status)s).",
        "Say why you deny the request: the requester reads it.": "Geef aan waarom u het verzoek afwijst: de aanvrager leest het.",
        "Choose another approver to escalate to.": "Kies een andere beoordelaar om naar door te zetten.",
        "That person may not approve this request.": "Die persoon mag dit verzoek niet goedkeuren.",
        "Unknown decision.": "Onbekend besluit.",
        "You have already approved this request.": "U hebt dit verzoek al goedgekeurd.",
        "Only the requester can withdraw a request.": "Alleen de aanvrager kan een verzoek intrekken.",
        "Only a pending request can be withdrawn.": "Alleen een verzoek in behandeling kan worden ingetrokken.",
        "Only an approved playback request has a grant to revoke.": "Alleen een goedgekeurd verzoek om terug te luisteren heeft een toegang die kan worden herroepen.",
        "Choose roles from the list.": "Kies rollen uit de lijst.",
        "who may ask": "wie mag verzoeken",
        "who may approve": "wie mag goedkeuren",
        "approvals needed": "benodigde goedkeuringen",
        "grant lasts (hours)": "toegang geldt (uren)",
        "plays per grant": "afspeelbeurten per toegang",
        "Empty: no limit within the grant's time.": "Leeg: geen grens binnen de geldigheid van de toegang.",
        "a case must be linked": "er moet een zaak gekoppeld zijn",
        "kind of case": "soort zaak",
        "Cases of this kind are visible to the roles named in this rule.": "Zaken van deze soort zijn zichtbaar voor de rollen die deze regel noemt.",
        "an unanswered request expires after (hours)": "een onbeantwoord verzoek verloopt na (uren)",
        "outside recipients who may receive a copy": "externe ontvangers die een kopie mogen ontvangen",
        "a disclosure link works for (days)": "een verstrekkingslink werkt (dagen)",
        "access rule": "toegangsregel",
        "access rules": "toegangsregels",
        "Say which kind of case must be linked.": "Geef aan welke soort zaak gekoppeld moet zijn.",
        "received via": "ontvangen via",
        "received on": "ontvangen op",
        "customer contact": "contactgegevens klant",
        "How to reach the customer about this case, if it concerns a customer.": "Hoe de klant over deze zaak te bereiken is, als het een klant betreft.",
        "case": "zaak",
        "cases": "zaken",
        "motivation": "motivering",
        "recipient's e-mail address": "e-mailadres van de ontvanger",
        "unanswered until": "onbeantwoord tot",
        "request": "verzoek",
        "requests": "verzoeken",
        "comment": "toelichting",
        "Earshot: a request waits for your decision": "Earshot: een verzoek wacht op uw besluit",
        '%(requester)s asks for access to %(count)d recording(s) of %(organisation)s for the purpose "%(purpose)s".\n\nRead the motivation and decide:\n%(url)s\n': '%(requester)s vraagt toegang tot %(count)d opname(n) van %(organisation)s voor het doel "%(purpose)s".\n\nLees de motivering en beslis:\n%(url)s\n',
        "Earshot: a request was passed on to you": "Earshot: een verzoek is naar u doorgezet",
        "A request of %(organisation)s was passed on to you for a decision:\n%(url)s\n": "Een verzoek van %(organisation)s is naar u doorgezet voor een besluit:\n%(url)s\n",
        "Earshot: your request was answered (%(status)s)": "Earshot: uw verzoek is beantwoord (%(status)s)",
        'Your request for the purpose "%(purpose)s" is now: %(status)s.\n%(url)s\n': 'Uw verzoek voor het doel "%(purpose)s" is nu: %(status)s.\n%(url)s\n',
        "Your grant has no plays left or has ended.": "Uw toegang heeft geen afspeelbeurten meer of is verlopen.",
        "The case was opened.": "De zaak is geopend.",
        "Saved as version %(number)d of the policy.": "Opgeslagen als versie %(number)d van het beleid.",
        "Your request was sent to the approvers.": "Uw verzoek is naar de beoordelaars gestuurd.",
        "The decision could not be read; try again.": "Het besluit kon niet worden gelezen; probeer het opnieuw.",
        "The request was passed on.": "Het verzoek is doorgezet.",
        "Your decision was recorded. The request is now: %(status)s.": "Uw besluit is vastgelegd. Het verzoek is nu: %(status)s.",
        "The request was withdrawn.": "Het verzoek is ingetrokken.",
        "The grant was revoked; it stops working at once.": "De toegang is herroepen; die werkt per direct niet meer.",
        "The link was cancelled and the copy deleted.": "De link is ingetrokken en de kopie verwijderd.",
        "changed the access policy": "heeft het toegangsbeleid gewijzigd",
        "asked for access to recordings": "heeft toegang tot opnamen gevraagd",
        "approved a request": "heeft een verzoek goedgekeurd",
        "denied a request": "heeft een verzoek afgewezen",
        "passed a request on to another approver": "heeft een verzoek doorgezet naar een andere beoordelaar",
        "withdrew a request": "heeft een verzoek ingetrokken",
        "let a request expire unanswered": "liet een verzoek onbeantwoord verlopen",
        "granted time-bounded access": "heeft tijdelijke toegang verleend",
        "revoked a grant": "heeft een toegang herroepen",
        "opened a case": "heeft een zaak geopend",
        "closed a case": "heeft een zaak gesloten",
        "reopened a case": "heeft een zaak heropend",
        "produced a copy for an outside recipient": "heeft een kopie voor een externe ontvanger aangemaakt",
        "entered a wrong code for a disclosure link": "heeft een verkeerde code voor een verstrekkingslink ingevoerd",
        "downloaded a disclosed copy": "heeft een verstrekte kopie gedownload",
        "cancelled a disclosure link": "heeft een verstrekkingslink ingetrokken",
        "deleted the copy of an ended disclosure": "heeft de kopie van een beëindigde verstrekking verwijderd",
        "Requests": "Verzoeken",
        "Cases": "Zaken",
        "Access policy": "Toegangsbeleid",
        "No calls linked yet.": "Nog geen gesprekken gekoppeld.",
        "No requests under this case.": "Geen verzoeken onder deze zaak.",
        "Close the case": "Zaak sluiten",
        "Reopen the case": "Zaak heropenen",
        "Timeline": "Tijdlijn",
        "system": "systeem",
        "Nothing yet.": "Nog niets.",
        "Open a case": "Zaak openen",
        "All": "Alle",
        "No cases you may see.": "Geen zaken die u mag zien.",
        "Open the case": "Zaak openen",
        "Recording shared with you": "Opname met u gedeeld",
        "Too many wrong codes: this link no longer works. Contact the organisation that sent it.": "Te vaak een verkeerde code: deze link werkt niet meer. Neem contact op met de organisatie die hem stuurde.",
        "This link has ended: it expired or was cancelled, and the copy has been deleted.": "Deze link werkt niet meer: hij is verlopen of ingetrokken en de kopie is verwijderd.",
        "You can download the copy until %(when)s. Every download is recorded.": "U kunt de kopie downloaden tot %(when)s. Elke download wordt vastgelegd.",
        "SHA-256 of the file: %(sha)s": "SHA-256 van het bestand: %(sha)s",
        "Download": "Downloaden",
        "Enter the code you received in a separate message.": "Voer de code in die u in een apart bericht hebt ontvangen.",
        "Wrong code. %(n)s attempt left.": (
            "Verkeerde code. Nog %(n)s poging.",
            "Verkeerde code. Nog %(n)s pogingen.",
        ),
        "Code": "Code",
        "For each purpose of the processing register: who may listen without asking, who must ask, who approves and for how long access lasts. The gate decides from this and nothing else.": "Per doel uit het verwerkingsregister: wie zonder verzoek mag luisteren, wie moet verzoeken, wie goedkeurt en hoe lang toegang geldt. De poort beslist hierop en op niets anders.",
        "Standing right": "Vast recht",
        "Grant": "Toegang",
        "%(n)s approval": ("%(n)s goedkeuring", "%(n)s goedkeuringen"),
        "%(h)s h": "%(h)s u",
        "%(n)s plays": "%(n)s afspeelbeurten",
        "copy to": "kopie aan",
        "required": "verplicht",
        "Versions": "Versies",
        "Version %(n)s": "Versie %(n)s",
        "No changes recorded yet.": "Nog geen wijzigingen vastgelegd.",
        "Standing rights: who may listen without asking": "Vaste rechten: wie zonder verzoek mag luisteren",
        "Four eyes: who must ask and who approves": "Vier ogen: wie moet verzoeken en wie keurt goed",
        "Save as a new version": "Opslaan als nieuwe versie",
        "Access policy, version %(n)s": "Toegangsbeleid, versie %(n)s",
        "Policy": "Beleid",
        "Granted until %(until)s:": "Toegang tot %(until)s:",
        "Ask for access to this call": "Toegang tot dit gesprek vragen",
        "Ask to hand over a copy": "Verstrekking van een kopie vragen",
        "Request": "Verzoek",
        "The request": "Het verzoek",
        "Asked by": "Gevraagd door",
        "Asked on": "Gevraagd op",
        "Approvals": "Goedkeuringen",
        "%(n)s needed": "%(n)s nodig",
        "Unanswered until": "Onbeantwoord tot",
        "Policy version": "Beleidsversie",
        "Decisions": "Besluiten",
        "by": "door",
        "No decision yet.": "Nog geen besluit.",
        "Access was revoked on %(when)s.": "De toegang is herroepen op %(when)s.",
        "Access granted until %(when)s.": "Toegang verleend tot %(when)s.",
        "Plays used: %(used)s of %(max)s.": "Afspeelbeurten gebruikt: %(used)s van %(max)s.",
        "Access ended (%(when)s).": "Toegang beëindigd (%(when)s).",
        "Copy produced: SHA-256 %(sha)s, %(size)s.": "Kopie aangemaakt: SHA-256 %(sha)s, %(size)s.",
        "Link works until %(when)s; downloaded %(n)s time(s).": "Link werkt tot %(when)s; %(n)s keer gedownload.",
        "The link was cancelled.": "De link is ingetrokken.",
        "The copy was deleted on %(when)s.": "De kopie is verwijderd op %(when)s.",
        "Cancel the link and delete the copy": "Link intrekken en kopie verwijderen",
        "Required when you deny: the requester reads it.": "Verplicht bij afwijzen: de aanvrager leest het.",
        "Approve": "Goedkeuren",
        "Deny": "Afwijzen",
        "Pass on": "Doorzetten",
        "Withdraw the request": "Verzoek intrekken",
        "Why revoke": "Reden van herroepen",
        "Revoke access": "Toegang herroepen",
        "Earlier requests of %(who)s": "Eerdere verzoeken van %(who)s",
        "Asked": "Gevraagd",
        "Ask for access to calls": "Toegang tot gesprekken vragen",
        "Waiting for your decision": "Wacht op uw besluit",
        "By": "Door",
        "passed on to you": "naar u doorgezet",
        "Nothing waits for you.": "Er wacht niets op u.",
        "Your requests": "Uw verzoeken",
        "Access until": "Toegang tot",
        "You have not asked for anything yet.": "U hebt nog niets gevraagd.",
        "New request": "Nieuw verzoek",
        "A second person decides on your request. They read your motivation in full; access is granted for a limited time and every listen is recorded.": "Een tweede persoon beslist over uw verzoek. Die leest uw motivering volledig; toegang geldt voor beperkte tijd en elke keer luisteren wordt vastgelegd.",
        "Send request": "Verzoek versturen",
        "The access policy does not let your role ask for this.": "Het toegangsbeleid staat uw rol niet toe hierom te vragen.",
    }
)

# Retention: the purge, legal holds, early erasure and applying a changed retention.
NL.update(
    {
        "erased a recording whose retention ran out": "heeft een opname gewist waarvan de bewaartermijn verliep",
        "erased a recording before its deadline": "heeft een opname vóór de uiterste datum gewist",
        "finished a purge run": "heeft een wisronde afgerond",
        "asked for a legal hold": "heeft om een bewaarplicht (legal hold) gevraagd",
        "approved a legal hold": "heeft een bewaarplicht goedgekeurd",
        "denied a legal hold": "heeft een bewaarplicht afgewezen",
        "asked to release a legal hold": "heeft gevraagd een bewaarplicht op te heffen",
        "released a legal hold": "heeft een bewaarplicht opgeheven",
        "proposed to apply the current retention to existing calls": "heeft voorgesteld de huidige bewaartermijn op bestaande gesprekken toe te passen",
        "applied the current retention to existing calls": "heeft de huidige bewaartermijn op bestaande gesprekken toegepast",
        "denied applying the current retention to existing calls": "heeft afgewezen de huidige bewaartermijn op bestaande gesprekken toe te passen",
        "Retention": "Bewaartermijnen",
        "purged": "gewist",
        "Your role may not change the retention of existing calls.": "Uw rol mag de bewaartermijn van bestaande gesprekken niet wijzigen.",
        "All calls already follow the declared retention.": "Alle gesprekken volgen al de vastgelegde bewaartermijn.",
        "A proposal is already waiting for approval.": "Er wacht al een voorstel op goedkeuring.",
        "No such proposal.": "Dit voorstel bestaat niet.",
        "This proposal has already been decided.": "Over dit voorstel is al besloten.",
        "A second person must approve this.": "Een tweede persoon moet dit goedkeuren.",
        "The register changed after this proposal; propose again.": "Het register is na dit voorstel gewijzigd; doe opnieuw een voorstel.",
        "Nightly schedule": "Nachtelijke planning",
        "Command line": "Opdrachtregel",
        "Early erasure": "Vroegtijdig wissen",
        "Running": "Bezig",
        "Finished": "Afgerond",
        "Failed": "Mislukt",
        "Waiting for approval": "Wacht op goedkeuring",
        "Release waiting for approval": "Opheffing wacht op goedkeuring",
        "Released": "Opgeheven",
        "Applied": "Toegepast",
        "Your role may not place legal holds.": "Uw rol mag geen bewaarplicht opleggen.",
        "The review date must lie in the future.": "De herbeoordelingsdatum moet in de toekomst liggen.",
        "No such legal hold.": "Deze bewaarplicht bestaat niet.",
        "Your role may not approve legal holds.": "Uw rol mag geen bewaarplicht goedkeuren.",
        "This hold is no longer waiting for approval.": "Deze bewaarplicht wacht niet meer op goedkeuring.",
        "A recording of this hold has been erased meanwhile.": "Een opname van deze bewaarplicht is intussen gewist.",
        "Your role may not release legal holds.": "Uw rol mag geen bewaarplicht opheffen.",
        "Only an active hold can be released.": "Alleen een actieve bewaarplicht kan worden opgeheven.",
        "Say why the hold may be released.": "Geef aan waarom de bewaarplicht kan worden opgeheven.",
        "No release of this hold is waiting for approval.": "Er wacht geen opheffing van deze bewaarplicht op goedkeuring.",
        "review on": "herbeoordelen op",
        "reason for release": "reden van opheffing",
        "legal hold": "bewaarplicht",
        "legal holds": "bewaarplichten",
        "Say why these calls are erased early.": "Geef aan waarom deze gesprekken vroegtijdig worden gewist.",
        "A call under legal hold cannot be erased; release the hold first.": "Een gesprek onder bewaarplicht kan niet worden gewist; hef eerst de bewaarplicht op.",
        "Earshot: the purge of %(organisation)s needs your attention": "Earshot: de wisronde van %(organisation)s vraagt uw aandacht",
        "Purge run of %(started)s (%(status)s):\nerased: %(purged)d\nfailed: %(failed)d\nunder legal hold: %(held)d\noverdue after the run: %(overdue)d\ncases, requests and disclosures erased: %(cases)d, %(requests)d, %(disclosures)d\ncases or requests kept because a disclosure copy would not go: %(records_failed)d\n%(error)s\nDetails: %(url)s\n": "Wisronde van %(started)s (%(status)s):\ngewist: %(purged)d\nmislukt: %(failed)d\nonder bewaarplicht: %(held)d\nte laat na de ronde: %(overdue)d\nzaken, verzoeken en verstrekkingen gewist: %(cases)d, %(requests)d, %(disclosures)d\nzaken of verzoeken bewaard omdat een verstrekte kopie niet verdween: %(records_failed)d\n%(error)s\nDetails: %(url)s\n",
        "Review on": "Herbeoordelen op",
        "The hold waits for a second person's approval.": "De bewaarplicht wacht op goedkeuring door een tweede persoon.",
        "Done. The hold is now: %(status)s.": "Gedaan. De bewaarplicht is nu: %(status)s.",
        "%(n)d call(s) erased; %(failed)d could not be erased yet.": "%(n)d gesprek(ken) gewist; %(failed)d kon(den) nog niet worden gewist.",
        "Proposed. A second person must approve it.": "Voorgesteld. Een tweede persoon moet het goedkeuren.",
        "Done. %(n)d call(s) now follow the declared retention.": "Gedaan. %(n)d gesprek(ken) volgen nu de vastgelegde bewaartermijn.",
        "The proposal was denied.": "Het voorstel is afgewezen.",
        "Legal hold": "Bewaarplicht",
        "Approved by": "Goedgekeurd door",
        "past its review date": "voorbij de herbeoordelingsdatum",
        "Release asked by": "Opheffing gevraagd door",
        "deadline": "uiterste datum",
        "Reason for release": "Reden van opheffing",
        "Ask to release": "Opheffing vragen",
        "Approve the release": "Opheffing goedkeuren",
        "Keep the hold": "Bewaarplicht handhaven",
        "Place a legal hold": "Bewaarplicht opleggen",
        "Held calls are not erased, also past their deadline, until the hold is released. A second person approves the hold and its release.": "Gesprekken onder bewaarplicht worden niet gewist, ook niet na hun uiterste datum, tot de bewaarplicht is opgeheven. Een tweede persoon keurt de bewaarplicht en de opheffing goed.",
        "Ask for the hold": "Bewaarplicht aanvragen",
        "Declared retention": "Vastgelegde bewaartermijn",
        "%(days)s day": ("%(days)s dag", "%(days)s dagen"),
        "not declared in the register": "niet vastgelegd in het register",
        "Oldest call held": "Oudste bewaarde gesprek",
        "Overdue": "Te laat",
        "Following an earlier period": "Volgt een eerdere termijn",
        "%(who)s proposes to give %(n)s call(s) the declared %(days)s days. Calls whose new deadline has passed are erased at the next purge.": "%(who)s stelt voor %(n)s gesprek(ken) de vastgelegde %(days)s dagen te geven. Gesprekken waarvan de nieuwe uiterste datum voorbij is, worden bij de volgende wisronde gewist.",
        "Apply the declared retention to these calls": "De vastgelegde bewaartermijn op deze gesprekken toepassen",
        "A second person must approve.": "Een tweede persoon moet goedkeuren.",
        "Overdue calls": "Gesprekken die te laat zijn",
        "Legal holds": "Bewaarplichten",
        "No legal holds.": "Geen bewaarplichten.",
        "Erase early": "Vroegtijdig wissen",
        "For a data subject's request to erase: the calls are erased now, with the same confirmation and record as the nightly purge.": "Voor een verzoek tot wissing van een betrokkene: de gesprekken worden nu gewist, met dezelfde bevestiging en vastlegging als de nachtelijke wisronde.",
        "Reason": "Reden",
        "Erase now": "Nu wissen",
        "Purge runs": "Wisrondes",
        "Started": "Gestart",
        "Erased": "Gewist",
        "Freed": "Vrijgemaakt",
        "Held": "Bewaard",
        "Overdue after": "Te laat na afloop",
        "No purge has run yet.": "Er is nog geen wisronde geweest.",
    }
)

# The register's live evidence.
NL.update(
    {
        "listens %(l30)d / %(l90)d, requests approved %(a30)d / %(a90)d, denied %(d30)d / %(d90)d (30 / 90 days)": "beluisterd %(l30)d / %(l90)d, verzoeken goedgekeurd %(a30)d / %(a90)d, afgewezen %(d30)d / %(d90)d (30 / 90 dagen)",
        "Listens for a purpose the register does not declare (90 days)": "Beluisteringen voor een doel dat niet in het register staat (90 dagen)",
        "%(n)d disclosure(s)": "%(n)d verstrekking(en)",
        "Audit trail verified": "Audittrail gecontroleerd",
        "not yet": "nog niet",
        "intact": "intact",
        "BROKEN": "GEBROKEN",
        "Recording retention declared": "Vastgelegde bewaartermijn opnamen",
        "%(days)s days": "%(days)s dagen",
        "not declared": "niet vastgelegd",
        "Retention stamped on the newest call": "Bewaartermijn op het nieuwste gesprek",
        "Oldest call not under hold": "Oudste gesprek zonder bewaarplicht",
        "%(days)s days old": "%(days)s dagen oud",
        "Calls past their deadline": "Gesprekken voorbij hun uiterste datum",
        "Calls under legal hold": "Gesprekken onder bewaarplicht",
        "Calls still following an earlier period": "Gesprekken die nog een eerdere termijn volgen",
        "Last purge": "Laatste wisronde",
        "never run": "nooit gedraaid",
        "%(when)s: %(status)s, %(purged)d erased, %(failed)d failed": "%(when)s: %(status)s, %(purged)d gewist, %(failed)d mislukt",
        "Evidence": "Bewijs",
        "computed from live data at %(when)s": "berekend uit actuele gegevens op %(when)s",
        "Requests waiting for your decision": "Verzoeken die op uw besluit wachten",
        "Legal holds waiting for your approval": "Bewaarplichten die op uw goedkeuring wachten",
        "Waiting for you": "Wacht op u",
    }
)


# The processing register: editing, versions, exports, the recording policy (issue 5).
NL.update(
    {
        "listens %(l30)d / %(l90)d; requests approved %(a30)d / %(a90)d, denied %(d30)d / "
        "%(d90)d; disclosures %(x30)d / %(x90)d (30 / 90 days)": (
            "beluisterd %(l30)d / %(l90)d; verzoeken goedgekeurd %(a30)d / %(a90)d, "
            "afgewezen %(d30)d / %(d90)d; verstrekkingen %(x30)d / %(x90)d (30 / 90 dagen)"
        ),
        "changed a processing activity in the register": (
            "wijzigde een verwerking in het register"
        ),
        "exported the processing register": "exporteerde het verwerkingsregister",
        "published a version of the recording policy": (
            "publiceerde een versie van het opnamebeleid"
        ),
        "acknowledged the recording policy": "bevestigde het opnamebeleid",
        "Recording policy acknowledged": "Opnamebeleid bevestigd",
        "no policy published": "geen beleid gepubliceerd",
        "version %(version)d: %(done)d of %(members)d members, %(missing)d not yet": (
            "versie %(version)d: %(done)d van %(members)d leden, %(missing)d nog niet"
        ),
        "%(organisation)s, exported %(when)s": "%(organisation)s, geëxporteerd %(when)s",
        "Visiting address": "Bezoekadres",
        "Postal address": "Postadres",
        "Related processing activities": "Gerelateerde verwerkingen",
        "MISMATCH": "AFWIJKING",
        "Value": "Waarde",
        "Holds": "Klopt",
        "Customer identification recorded with calls": (
            "Klantgegevens die bij gesprekken worden vastgelegd"
        ),
        "The form refers to lines that are not in this activity.": (
            "Het formulier verwijst naar regels die niet bij deze verwerking horen."
        ),
        "version": "versie",
        "saved at": "opgeslagen op",
        "saved by": "opgeslagen door",
        "what changed": "wat is gewijzigd",
        "register version": "registerversie",
        "register versions": "registerversies",
        "title (Dutch)": "titel (Nederlands)",
        "title (English)": "titel (Engels)",
        "text (Dutch)": "tekst (Nederlands)",
        "text (English)": "tekst (Engels)",
        "published at": "gepubliceerd op",
        "published by": "gepubliceerd door",
        "recording policy": "opnamebeleid",
        "recording policies": "opnamebeleid",
        "acknowledged at": "bevestigd op",
        "language read": "gelezen in taal",
        "policy acknowledgement": "bevestiging van het beleid",
        "policy acknowledgements": "bevestigingen van het beleid",
        "“%(line)s” cannot be removed: it is still used by %(users)s.": (
            "“%(line)s” kan niet worden verwijderd: het wordt nog gebruikt door %(users)s."
        ),
        "The code of an existing purpose cannot be changed.": (
            "De code van een bestaand doel kan niet worden gewijzigd."
        ),
        "A processing activity needs at least one purpose.": (
            "Een verwerking heeft ten minste één doel nodig."
        ),
        "The register must keep a line that declares how long recordings are kept.": (
            "Het register moet een regel houden die zegt hoe lang opnames worden bewaard."
        ),
        "Nothing changed; no new version was made.": (
            "Er is niets gewijzigd; er is geen nieuwe versie gemaakt."
        ),
        "Saved as version %(number)d of %(reference)s.": (
            "Opgeslagen als versie %(number)d van %(reference)s."
        ),
        "Version %(version)d is published; every member will be asked to acknowledge it.": (
            "Versie %(version)d is gepubliceerd; ieder lid wordt gevraagd haar te bevestigen."
        ),
        "A newer version of the policy was published. Please read it first.": (
            "Er is een nieuwere versie van het beleid gepubliceerd. Lees die eerst."
        ),
        "Edit %(ref)s": "%(ref)s bewerken",
        "Saving makes a new version of this entry and an event in the audit trail. A changed "
        "retention period applies to new calls; existing calls follow it once it is applied "
        "under Retention.": (
            "Opslaan maakt een nieuwe versie van deze verwerking en een gebeurtenis in het "
            "auditlogboek. Een gewijzigde bewaartermijn geldt voor nieuwe gesprekken; bestaande "
            "gesprekken volgen haar zodra ze onder Bewaren is toegepast."
        ),
        "Description of the processing": "Beschrijving van gegevensverwerking",
        "New line (leave empty to add nothing)": "Nieuwe regel (leeg laten om niets toe te voegen)",
        "Cancel": "Annuleren",
        "Export as PDF": "Exporteren als PDF",
        "Export as JSON": "Exporteren als JSON",
        "Export as CSV": "Exporteren als CSV",
        "Recording policy": "Opnamebeleid",
        "%(n)s line does not hold what the register declares:": (
            "%(n)s regel klopt niet met wat het register zegt:",
            "%(n)s regels kloppen niet met wat het register zegt:",
        ),
        "Every line holds what the register declares.": (
            "Elke regel klopt met wat het register zegt."
        ),
        "Edit": "Bewerken",
        "Purposes of the processing": "Doelen van de verwerking",
        "evidence below": "bewijs hieronder",
        "Evidence: retention of recordings": "Bewijs: bewaartermijn van opnames",
        "no disclosures": "geen verstrekkingen",
        "Publish a new version": "Een nieuwe versie publiceren",
        "Publish the recording policy": "Het opnamebeleid publiceren",
        "Acknowledged by members (version %(n)s)": "Bevestigd door leden (versie %(n)s)",
        "%(done)s of %(members)s members have acknowledged the current version.": (
            "%(done)s van %(members)s leden hebben de huidige versie bevestigd."
        ),
        "Not yet acknowledged": "Nog niet bevestigd",
        "version %(n)s": "versie %(n)s",
        "Version": "Versie",
        "Published at": "Gepubliceerd op",
        "Published by": "Gepubliceerd door",
        "Acknowledged": "Bevestigd",
        "No recording policy has been published yet.": (
            "Er is nog geen opnamebeleid gepubliceerd."
        ),
        "%(org)s, version %(n)s of %(when)s": "%(org)s, versie %(n)s van %(when)s",
        "You have acknowledged this version.": "U hebt deze versie bevestigd.",
        "Continue": "Verder",
        "Please read the policy. You can go on once you have acknowledged it.": (
            "Lees het beleid. U kunt verder zodra u het hebt bevestigd."
        ),
        "I have read this policy and will follow it": (
            "Ik heb dit beleid gelezen en zal het volgen"
        ),
        "The current version is %(n)s. Publishing makes the next version; every member is "
        "asked to acknowledge it at their next page.": (
            "De huidige versie is %(n)s. Publiceren maakt de volgende versie; ieder lid wordt "
            "bij de volgende pagina gevraagd haar te bevestigen."
        ),
        "Every member is asked to acknowledge the policy at their next page.": (
            "Ieder lid wordt bij de volgende pagina gevraagd het beleid te bevestigen."
        ),
        "Publish": "Publiceren",
        "%(ref)s, version %(n)s": "%(ref)s, versie %(n)s",
        "All versions": "Alle versies",
        "Versions of %(ref)s": "Versies van %(ref)s",
        "Saved at": "Opgeslagen op",
        "Saved by": "Opgeslagen door",
        "What changed": "Wat is gewijzigd",
        "No versions kept yet: the first change makes one.": (
            "Nog geen versies bewaard: de eerste wijziging maakt er een."
        ),
        "Back to the register": "Terug naar het register",
        "Listen counts": "Tellingen van beluisteren",
        "days up to %(day)s counted at %(when)s; today counted live": (
            "dagen tot en met %(day)s geteld op %(when)s; vandaag live geteld"
        ),
    }
)

# Coaching: QM forms and evaluations (issue 6).
NL.update(
    {
        "published a version of a QM form": "publiceerde een versie van een QM-formulier",
        "started an evaluation of a call": "begon een beoordeling van een gesprek",
        "released an evaluation to the employee": ("gaf een beoordeling vrij aan de medewerker"),
        "Coaching": "Coaching",
        "Yes / no / not applicable": "Ja / nee / niet van toepassing",
        "1 to 5": "1 tot en met 5",
        "0 to 10": "0 tot en met 10",
        "Counts in the score": "Telt mee in de score",
        "Critical: scored separately": "Kritiek: apart gescoord",
        "Fatal: failing it fails the evaluation": (
            "Fataal: niet voldaan betekent een onvoldoende beoordeling"
        ),
        "Draft": "Concept",
        "In use": "In gebruik",
        "Replaced by a newer version": "Vervangen door een nieuwere versie",
        "Released to the employee": "Vrijgegeven aan de medewerker",
        "Disputed": "Betwist",
        "Retracted": "Ingetrokken",
        "This call or form is not of this organisation.": (
            "Dit gesprek of formulier hoort niet bij deze organisatie."
        ),
        "Only a published form version can be used.": (
            "Alleen een gepubliceerde versie van een formulier kan worden gebruikt."
        ),
        "This call's audio is no longer available.": (
            "De opname van dit gesprek is niet meer beschikbaar."
        ),
        "You may not hear this call for that purpose.": (
            "U mag dit gesprek niet voor dat doel beluisteren."
        ),
        "“%(criterion)s” cannot be answered “not applicable”.": (
            "“%(criterion)s” kan niet met “niet van toepassing” worden beantwoord."
        ),
        "An answer is either a value or “not applicable”.": (
            "Een antwoord is een waarde of “niet van toepassing”, niet allebei."
        ),
        "“%(value)s” is not an answer to “%(criterion)s”.": (
            "“%(value)s” is geen antwoord op “%(criterion)s”."
        ),
        "This evaluation is not yours to change.": "U kunt deze beoordeling niet wijzigen.",
        "This evaluation has been released and can no longer change.": (
            "Deze beoordeling is vrijgegeven en kan niet meer worden gewijzigd."
        ),
        "The answers refer to criteria that are not on this form.": (
            "De antwoorden verwijzen naar criteria die niet op dit formulier staan."
        ),
        "Answer every criterion first; still open: %(open)s": (
            "Beantwoord eerst alle criteria; nog open: %(open)s"
        ),
        "A comment needs text.": "Een opmerking heeft tekst nodig.",
        "That moment is not in the call.": "Dat moment valt niet in het gesprek.",
        "QM form": "QM-formulier",
        "QM forms": "QM-formulieren",
        "QM form version": "versie van een QM-formulier",
        "QM form versions": "versies van QM-formulieren",
        "section": "onderdeel",
        "sections": "onderdelen",
        "criterion": "criterium",
        "guidance": "toelichting",
        "answer": "antwoord",
        "weight": "gewicht",
        "counts as": "telt als",
        "may be answered not applicable": "mag met “niet van toepassing” worden beantwoord",
        "criteria": "criteria",
        "call": "gesprek",
        "score": "score",
        "critical score": "kritieke score",
        "failed on a fatal criterion": "onvoldoende op een fataal criterium",
        "summary for the employee": "samenvatting voor de medewerker",
        "reason for retracting": "reden van intrekken",
        "evaluation": "beoordeling",
        "evaluations": "beoordelingen",
        "A form needs at least one criterion.": "Een formulier heeft ten minste één criterium.",
        "Every section needs a title.": "Elk onderdeel heeft een titel nodig.",
        "A fatal criterion is met or not: give it the answer yes / no.": (
            "Aan een fataal criterium is voldaan of niet: geef het het antwoord ja / nee."
        ),
        "There is already a form with this name.": "Er is al een formulier met deze naam.",
        "acknowledged an evaluation": "bevestigde een beoordeling",
        "This evaluation is not yours to acknowledge.": (
            "Deze beoordeling is niet door u te bevestigen."
        ),
        "Choose a QM form.": "Kies een QM-formulier.",
        "Draft saved at %(time)s.": "Concept opgeslagen om %(time)s.",
        "Released to the employee. Score: %(score)s.": (
            "Vrijgegeven aan de medewerker. Score: %(score)s."
        ),
        "You have acknowledged this evaluation.": "U hebt deze beoordeling bevestigd.",
        "Evaluate this call with a QM form": "Dit gesprek beoordelen met een QM-formulier",
        "Evaluation": "Beoordeling",
        "The audio of this call is erased at %(when)s: finish the evaluation before then.": (
            "De opname van dit gesprek wordt op %(when)s gewist: rond de beoordeling daarvoor af."
        ),
        "Recording purged on %(when)s. The evaluation stays readable.": (
            "Opname gewist op %(when)s. De beoordeling blijft leesbaar."
        ),
        "Comments at a moment of the call": "Opmerkingen bij een moment in het gesprek",
        "Comment at the current moment": "Opmerking bij het huidige moment",
        "Pin to this moment": "Vastzetten op dit moment",
        "Score": "Score",
        "weight %(w)s": "gewicht %(w)s",
        "not applicable": "niet van toepassing",
        "Comment (optional)": "Opmerking (niet verplicht)",
        "Summary for the employee": "Samenvatting voor de medewerker",
        "Draft saved at": "Concept opgeslagen om",
        "Not saved": "Niet opgeslagen",
        "Save draft": "Concept opslaan",
        "Release to the employee": "Vrijgeven aan de medewerker",
        "Summary": "Samenvatting",
        "I have read this evaluation": "Ik heb deze beoordeling gelezen",
        "Evaluate this call": "Dit gesprek beoordelen",
        "No QM form is published yet.": "Er is nog geen QM-formulier gepubliceerd.",
        "Start the evaluation": "De beoordeling beginnen",
        "Evaluations of your calls": "Beoordelingen van uw gesprekken",
        "Form": "Formulier",
        "Your evaluations": "Uw beoordelingen",
        "No evaluations yet. A coach starts one from a call's page: “Evaluate this call with a "
        "QM form”.": (
            "Nog geen beoordelingen. Een coach begint er een vanaf de pagina van een gesprek: "
            "“Dit gesprek beoordelen met een QM-formulier”."
        ),
        "failed (fatal criterion)": "onvoldoende (fataal criterium)",
        "no score": "geen score",
        "critical %(score)s %%": "kritiek %(score)s %%",
        "Section": "Onderdeel",
        "Criterion": "Criterium",
        "Guidance": "Toelichting",
        "Answer": "Antwoord",
        "Weight": "Gewicht",
        "Counts as": "Telt als",
        "N/A allowed": "N.v.t. toegestaan",
        "Name of the form": "Naam van het formulier",
        "Saved as version %(number)d (not yet in use: publish it).": (
            "Opgeslagen als versie %(number)d (nog niet in gebruik: publiceer haar)."
        ),
        "Version %(number)d of “%(name)s” is now the one new evaluations use.": (
            "Versie %(number)d van “%(name)s” wordt nu gebruikt voor nieuwe beoordelingen."
        ),
        "New form": "Nieuw formulier",
        "Version %(n)s has been used by evaluations and never changes: saving makes a new "
        "version.": (
            "Versie %(n)s is gebruikt in beoordelingen en verandert nooit: opslaan maakt een "
            "nieuwe versie."
        ),
        "One row per criterion. Rows with the same section title form one section, in the "
        "order the titles first appear. Critical criteria are scored separately; a fatal "
        "criterion (yes / no) not met fails the whole evaluation. Leave the extra rows empty to "
        "add nothing.": (
            "Eén regel per criterium. Regels met dezelfde onderdeeltitel vormen één onderdeel, in "
            "de volgorde waarin de titels voor het eerst voorkomen. Kritieke criteria worden apart "
            "gescoord; een fataal criterium (ja / nee) waaraan niet is voldaan maakt de hele "
            "beoordeling onvoldoende. Laat de extra regels leeg om niets toe te voegen."
        ),
        "Remove": "Verwijderen",
        "Evaluations": "Beoordelingen",
        "No QM forms yet.": "Nog geen QM-formulieren.",
        "All forms": "Alle formulieren",
    }
)

# Coaching: consent and calibration (issue 6).
NL.update(
    {
        "asked an employee's consent to use a call": (
            "vroeg een medewerker toestemming om een gesprek te gebruiken"
        ),
        "gave consent to use a call": "gaf toestemming om een gesprek te gebruiken",
        "refused consent to use a call": "weigerde toestemming om een gesprek te gebruiken",
        "withdrew consent to use a call": "trok toestemming om een gesprek te gebruiken in",
        "opened a calibration session": "opende een kalibratiesessie",
        "submitted blind calibration scores": "leverde blinde kalibratiescores in",
        "closed a calibration session": "sloot een kalibratiesessie",
        "The employee has not consented to this call being a calibration case.": (
            "De medewerker heeft geen toestemming gegeven om dit gesprek als kalibratiecasus "
            "te gebruiken."
        ),
        "The closing date lies in the past.": "De sluitingsdatum ligt in het verleden.",
        "Invite only coaches of this organisation.": "Nodig alleen coaches van deze organisatie uit.",
        "These people may not hear this call for calibration: %(names)s": (
            "Deze personen mogen dit gesprek niet beluisteren voor kalibratie: %(names)s"
        ),
        "A calibration needs at least two coaches.": "Een kalibratie vraagt ten minste twee coaches.",
        "The expert must take part in the session.": "De expert moet aan de sessie deelnemen.",
        "You do not take part in this session.": "U neemt niet deel aan deze sessie.",
        "This calibration session is closed.": "Deze kalibratiesessie is gesloten.",
        "Only the lead closes a session.": "Alleen de leider sluit een sessie.",
        "At least two coaches must have submitted their scores.": (
            "Ten minste twee coaches moeten hun scores hebben ingeleverd."
        ),
        "The comparison is shown once the lead closes the session.": (
            "De vergelijking is te zien zodra de leider de sessie sluit."
        ),
        "You may not hear this call, so you cannot ask to use it.": (
            "U mag dit gesprek niet beluisteren en kunt dus niet vragen het te gebruiken."
        ),
        "This call's employee has no account in Earshot to answer; ask them in person.": (
            "De medewerker van dit gesprek heeft geen account in Earshot om te antwoorden; "
            "vraag het persoonlijk."
        ),
        "This question is not yours to answer.": "Deze vraag is niet aan u gesteld.",
        "This question has already been answered.": "Deze vraag is al beantwoord.",
        "There is no consent of yours to withdraw here.": (
            "Hier is geen toestemming van u om in te trekken."
        ),
        "as a calibration case": "als kalibratiecasus",
        "as training material": "als opleidingsmateriaal",
        "Asked, not yet answered": "Gevraagd, nog niet beantwoord",
        "Granted": "Gegeven",
        "Refused": "Geweigerd",
        "Open: scoring blind": "Open: blind scoren",
        "Closed: compared": "Gesloten: vergeleken",
        "use": "gebruik",
        "why the coach asks": "waarom de coach het vraagt",
        "consent": "toestemming",
        "consents": "toestemmingen",
        "expert (the reference)": "expert (de referentie)",
        "hide the employee's name until closed": "naam van de medewerker verbergen tot sluiting",
        "to be closed by": "te sluiten uiterlijk op",
        "calibration session": "kalibratiesessie",
        "calibration sessions": "kalibratiesessies",
        "Your calibration scores are submitted.": "Uw kalibratiescores zijn ingeleverd.",
        "Questions about using your calls": "Vragen over het gebruik van uw gesprekken",
        "Use the call": "Het gesprek gebruiken",
        "Why you ask (the employee reads this)": "Waarom u het vraagt (de medewerker leest dit)",
        "Asked. Status: %(status)s.": "Gevraagd. Status: %(status)s.",
        "Choose to grant or to refuse.": "Kies geven of weigeren.",
        "Your answer is recorded.": "Uw antwoord is vastgelegd.",
        "Coaches": "Coaches",
        "Expert (the reference)": "Expert (de referentie)",
        "To be closed by": "Te sluiten uiterlijk op",
        "Hide the employee's name until the session is closed": (
            "De naam van de medewerker verbergen tot de sessie is gesloten"
        ),
        "Open a calibration session on this call": "Een kalibratiesessie openen op dit gesprek",
        "Consent asked, waiting for the employee": "Toestemming gevraagd, wacht op de medewerker",
        "Ask the employee's consent to use this call": (
            "De medewerker toestemming vragen om dit gesprek te gebruiken"
        ),
        "Calibration session": "Kalibratiesessie",
        "lead": "leider",
        "This session is to close on %(by)s, but the audio is erased at %(when)s: it may never "
        "be finished.": (
            "Deze sessie sluit op %(by)s, maar de opname wordt gewist op %(when)s: zij wordt "
            "misschien nooit afgerond."
        ),
        "expert": "expert",
        "scores submitted": "scores ingeleverd",
        "Scoring is blind: nobody sees another's answers until the lead closes the session.": (
            "Er wordt blind gescoord: niemand ziet de antwoorden van een ander tot de leider de "
            "sessie sluit."
        ),
        "Score this call": "Dit gesprek scoren",
        "Close the session and compare": "De sessie sluiten en vergelijken",
        "Comparison": "Vergelijking",
        "Agreement (Krippendorff's alpha, ordinal)": "Overeenstemming (Krippendorffs alfa, ordinaal)",
        "not computable": "niet te berekenen",
        "1 is full agreement, 0 no better than chance; 0.8 or more is commonly taken as "
        "reliable.": (
            "1 is volledige overeenstemming, 0 niet beter dan toeval; 0,8 of meer geldt gewoonlijk "
            "als betrouwbaar."
        ),
        "Spread (0–10)": "Spreiding (0–10)",
        "Mean deviation from the expert (0–10)": "Gemiddelde afwijking van de expert (0–10)",
        "Answers per criterion on a scale of 0 to 10": "Antwoorden per criterium op een schaal van 0 tot 10",
        "Each dot is a coach's answer; the ring is the expert's.": (
            "Elke stip is het antwoord van een coach; de ring is dat van de expert."
        ),
        "Open a calibration session": "Een kalibratiesessie openen",
        "audio erased at %(when)s": "opname gewist op %(when)s",
        "Open the session": "De sessie openen",
        "Ask the employee's consent": "De medewerker om toestemming vragen",
        "The employee sees your question under Coaching and on their dashboard, and grants or "
        "refuses. Nothing is used without their consent.": (
            "De medewerker ziet uw vraag onder Coaching en op het dashboard, en geeft of weigert "
            "toestemming. Niets wordt gebruikt zonder toestemming."
        ),
        "Ask": "Vragen",
        "Blind score for a calibration session": "Blinde score voor een kalibratiesessie",
        "employee hidden until the session is closed": (
            "medewerker verborgen tot de sessie is gesloten"
        ),
        "Submit my scores": "Mijn scores inleveren",
        "Use": "Gebruik",
        "Refuse": "Weigeren",
        "Withdraw": "Intrekken",
        "Calibration sessions": "Kalibratiesessies",
        "drew the random sample of calls": "trok de steekproef van gesprekken",
        "listened to a sampled call with the employee": (
            "luisterde een steekproefgesprek terug met de medewerker"
        ),
        "calls per employee per quarter": "gesprekken per medewerker per kwartaal",
        "purpose the sample serves": "doel van de steekproef",
        "quarter": "kwartaal",
        "draw of the quarter": "trekking van het kwartaal",
        "the employee listened along": "de medewerker luisterde mee",
        "This sample is not in your queue.": "Deze steekproef staat niet in uw werkvoorraad.",
        "Recorded as listened to.": "Vastgelegd als teruggeluisterd.",
        "Random sample": "Steekproef",
        "Random sample %(q)s, draw %(n)s": "Steekproef %(q)s, trekking %(n)s",
        "Calls from": "Gesprekken van",
        "Drawn at": "Getrokken op",
        "Seed": "Startwaarde (seed)",
        "Check": "Controle",
        "Redone from the seed and the population, the draw gives exactly these calls.": (
            "Opnieuw uitgevoerd met de startwaarde en de populatie geeft de trekking precies "
            "deze gesprekken."
        ),
        "Redone from the seed, the draw gives other calls than these.": (
            "Opnieuw uitgevoerd met de startwaarde geeft de trekking andere gesprekken dan deze."
        ),
        "Anyone can check the draw: for each employee, Python's random.Random('<seed>:<employee "
        "id>').choice(<the employee's call ids, sorted>) gives the drawn call.": (
            "Iedereen kan de trekking controleren: per medewerker geeft Python's "
            "random.Random('<seed>:<medewerker-id>').choice(<de gesorteerde gespreks-id's van de "
            "medewerker>) het getrokken gesprek."
        ),
        "Calls to choose from": "Gesprekken om uit te kiezen",
        "Drawn call": "Getrokken gesprek",
        "Done": "Gedaan",
        "with the employee": "met de medewerker",
        "Employees with too few calls": "Medewerkers met te weinig gesprekken",
        "Each quarter, calls are drawn at random per employee, spread over the quarter. Listen "
        "to them with the employee present.": (
            "Elk kwartaal worden per medewerker willekeurig gesprekken getrokken, verspreid over "
            "het kwartaal. Luister ze terug samen met de medewerker."
        ),
        "Your queue": "Uw werkvoorraad",
        "Drawn": "Getrokken",
        "Evaluate": "Beoordelen",
        "employee listened along": "medewerker luisterde mee",
        "Nothing in your queue.": "Niets in uw werkvoorraad.",
        "Draws": "Trekkingen",
        "draw %(n)s": "trekking %(n)s",
        "No draws yet.": "Nog geen trekkingen.",
        "disputed an answer of an evaluation": "betwistte een antwoord van een beoordeling",
        "upheld a dispute and re-scored the evaluation": (
            "gaf een bezwaar gelijk en herzag de beoordeling"
        ),
        "rejected a dispute": "wees een bezwaar af",
        "retracted an evaluation": "trok een beoordeling in",
        "Upheld: re-scored": "Gegrond: herzien",
        "Rejected": "Afgewezen",
        "This evaluation is not yours to dispute.": "U kunt deze beoordeling niet betwisten.",
        "This evaluation cannot be disputed.": "Deze beoordeling kan niet worden betwist.",
        "The time to dispute this evaluation has passed.": (
            "De termijn om deze beoordeling te betwisten is verstreken."
        ),
        "You have used every dispute this evaluation allows.": (
            "U hebt alle bezwaren gebruikt die deze beoordeling toestaat."
        ),
        "Say in a few words why the answer is not right.": (
            "Zeg in een paar woorden waarom het antwoord niet klopt."
        ),
        "That criterion is not on this evaluation.": "Dat criterium staat niet op deze beoordeling.",
        "This answer is already disputed.": "Dit antwoord wordt al betwist.",
        "This dispute is not yours to answer.": "U kunt dit bezwaar niet beantwoorden.",
        "This dispute has already been answered.": "Dit bezwaar is al beantwoord.",
        "Give the employee your answer.": "Geef de medewerker uw antwoord.",
        "Give the new answer to re-score.": "Geef het nieuwe antwoord om te herzien.",
        "This evaluation is not yours to retract.": "U kunt deze beoordeling niet intrekken.",
        "Only a released evaluation can be retracted.": (
            "Alleen een vrijgegeven beoordeling kan worden ingetrokken."
        ),
        "Say in a few words why you retract it.": "Zeg in een paar woorden waarom u haar intrekt.",
        "The evaluation was retracted.": "De beoordeling is ingetrokken.",
        "days to dispute": "dagen om bezwaar te maken",
        "disputes per evaluation": "bezwaren per beoordeling",
        "arbiter": "scheidsrechter",
        "reason": "reden",
        "Your dispute is sent to the coach.": "Uw bezwaar is naar de coach gestuurd.",
        "Your answer is sent to the employee.": "Uw antwoord is naar de medewerker gestuurd.",
        "The evaluation is retracted.": "De beoordeling is ingetrokken.",
        "disputed": "betwist",
        "Dispute an answer (until %(when)s; %(left)s left)": (
            "Een antwoord betwisten (tot %(when)s; nog %(left)s)"
        ),
        "Answer you dispute": "Antwoord dat u betwist",
        "Why it is not right": "Waarom het niet klopt",
        "Send the dispute": "Het bezwaar versturen",
        "Disputes": "Bezwaren",
        "Reject": "Afwijzen",
        "Uphold and re-score": "Gegrond verklaren en herzien",
        "New answer": "Nieuw antwoord",
        "Your answer to the employee": "Uw antwoord aan de medewerker",
        "Earlier versions": "Eerdere versies",
        "Version %(n)s, replaced at %(when)s": "Versie %(n)s, vervangen op %(when)s",
        "Retract this evaluation": "Deze beoordeling intrekken",
        "Why you retract it (the employee reads this)": (
            "Waarom u haar intrekt (de medewerker leest dit)"
        ),
        "Retract": "Intrekken",
        "Coaching reports": "Coachingrapportages",
        "whole organisation": "hele organisatie",
        "Show": "Tonen",
        "Evaluations per month": "Beoordelingen per maand",
        "Average score per month": "Gemiddelde score per maand",
        "Month": "Maand",
        "Average score": "Gemiddelde score",
        "Failed (fatal)": "Onvoldoende (fataal)",
        "No evaluations in this period.": "Geen beoordelingen in deze periode.",
        "Weakest criteria (last three months)": "Zwakste criteria (laatste drie maanden)",
        "Average (0–100)": "Gemiddelde (0–100)",
        "Answers": "Antwoorden",
        "Calibration agreement": "Overeenstemming bij kalibratie",
        "Average Krippendorff's alpha per month": "Gemiddelde Krippendorffs alfa per maand",
        "Sessions": "Sessies",
        "Average alpha": "Gemiddelde alfa",
        "Random sample completion": "Voortgang van de steekproef",
        "Quarter": "Kwartaal",
        "With the employee": "Met de medewerker",
        "Per employee (lowest average first)": "Per medewerker (laagste gemiddelde eerst)",
        "Per coach": "Per coach",
    }
)

# Retention: archival records, destruction lists and statements (issue 7).
NL.update(
    {
        "proposed a destruction list of archival records": (
            "stelde een vernietigingslijst van archiefbescheiden voor"
        ),
        "approved a destruction list; the records were destroyed": (
            "keurde een vernietigingslijst goed; de bescheiden zijn vernietigd"
        ),
        "rejected a destruction list": "wees een vernietigingslijst af",
        "Your role may not propose or approve the destruction of records.": (
            "Uw rol mag geen vernietiging van bescheiden voorstellen of goedkeuren."
        ),
        "A destruction list is already waiting for approval.": (
            "Er wacht al een vernietigingslijst op goedkeuring."
        ),
        "No archival record has reached its period.": (
            "Geen archiefbescheiden hebben hun bewaartermijn bereikt."
        ),
        "No such destruction list.": "Deze vernietigingslijst bestaat niet.",
        "This destruction list has already been decided.": (
            "Over deze vernietigingslijst is al besloten."
        ),
        "A second person must approve what you proposed.": (
            "Een tweede persoon moet goedkeuren wat u voorstelde."
        ),
        "QM evaluations": "QM-beoordelingen",
        "Destruction statement": "Verklaring van vernietiging",
        "%(organisation)s, destruction list %(number)d": (
            "%(organisation)s, vernietigingslijst %(number)d"
        ),
        "Proposed by": "Voorgesteld door",
        "Proposed at": "Voorgesteld op",
        "Destroyed at": "Vernietigd op",
        "Grounds": "Grondslag",
        "%(kind)s: %(count)d destroyed after %(period)s (%(register)s)": (
            "%(kind)s: %(count)d vernietigd na %(period)s (%(register)s)"
        ),
        "Records": "Bescheiden",
        "Record": "Bescheid",
        "Date": "Datum",
        "Proposed, waiting for approval": "Voorgesteld, wacht op goedkeuring",
        "Approved and destroyed": "Goedgekeurd en vernietigd",
        "Destruction list %(n)s": "Vernietigingslijst %(n)s",
        "Decided by": "Besloten door",
        "after %(period)s (%(register)s)": "na %(period)s (%(register)s)",
        "Destruction statement (PDF)": "Verklaring van vernietiging (PDF)",
        "Approving destroys these records now, for good; the statement keeps what was "
        "destroyed, when, on what grounds and by whose approval.": (
            "Goedkeuren vernietigt deze bescheiden nu, definitief; de verklaring legt vast wat "
            "is vernietigd, wanneer, op welke grondslag en met wiens goedkeuring."
        ),
        "Approve and destroy": "Goedkeuren en vernietigen",
        "QM evaluation": "QM-beoordeling",
        "Archival records: QM evaluations and calibration sessions": (
            "Archiefbescheiden: QM-beoordelingen en kalibratiesessies"
        ),
        "%(n)s record has reached the period the register declares.": (
            "%(n)s bescheid heeft de bewaartermijn uit het register bereikt.",
            "%(n)s bescheiden hebben de bewaartermijn uit het register bereikt.",
        ),
        "Propose a destruction list": "Een vernietigingslijst voorstellen",
        "Destruction lists waiting for your approval": (
            "Vernietigingslijsten die op uw goedkeuring wachten"
        ),
        "Calibration sessions waiting for your scores": (
            "Kalibratiesessies die op uw scores wachten"
        ),
        "Sampled calls to listen to with the employee": (
            "Steekproefgesprekken om met de medewerker terug te luisteren"
        ),
    }
)

NL.update(
    {
        # Retention of requests, cases and disclosures.
        "closed at": "gesloten op",
        "erased a closed case and its requests whose retention ran out": "wiste een gesloten zaak met haar verzoeken waarvan de bewaartermijn was verstreken",
        "erased a request whose retention ran out": "wiste een verzoek waarvan de bewaartermijn was verstreken",
        "Retention of requests, cases and disclosures": "Bewaartermijn van verzoeken, zaken en verstrekkingen",
        "not declared: kept until the register declares a period": "niet vastgelegd: bewaard tot het register een termijn vastlegt",
        "Requests and cases past their period": "Verzoeken en zaken voorbij hun bewaartermijn",
        "%(cases)d case(s), %(requests)d request(s) without a case": "%(cases)d zaak/zaken, %(requests)d verzoek(en) zonder zaak",
        "Cases · requests · disclosures erased": "Zaken · verzoeken · verstrekkingen gewist",
        "%(n)s kept: a copy would not go": (
            "%(n)s bewaard: een kopie verdween niet",
            "%(n)s bewaard: een kopie verdween niet",
        ),
        "The register declares no retention period for requests, cases and disclosures, so they are kept. Add a line with the data category “Requests, cases and disclosures” to the register.": "Het register legt geen bewaartermijn vast voor verzoeken, zaken en verstrekkingen, dus ze worden bewaard. Voeg in het register een regel toe met de gegevenscategorie “Verzoeken, casussen en verstrekkingen”.",
        "Erased %(days)s day after they ended: a closed case with its requests, a request without a case once its grant or link is over.": (
            "Gewist %(days)s dag nadat ze zijn afgelopen: een gesloten zaak met haar verzoeken, een verzoek zonder zaak zodra de toestemming of de link is verlopen.",
            "Gewist %(days)s dagen nadat ze zijn afgelopen: een gesloten zaak met haar verzoeken, een verzoek zonder zaak zodra de toestemming of de link is verlopen.",
        ),
        "Past their period now: %(cases)s case(s), %(requests)s request(s) without a case.": "Nu voorbij hun bewaartermijn: %(cases)s zaak/zaken, %(requests)s verzoek(en) zonder zaak.",
        # Drop folder and probe (issue 14, items 4-9)
        "Earshot could not ingest this file in %(attempts)s attempts; the last error was: %(error)s": "Earshot kon dit bestand in %(attempts)s pogingen niet innemen; de laatste fout was: %(error)s",
        "This is not a regular file (a named pipe, socket or device). It was removed.": "Dit is geen gewoon bestand (een named pipe, socket of apparaat). Het is verwijderd.",
        "no extension": "geen extensie",
        "unknown (the scan was interrupted)": "onbekend (de scan werd onderbroken)",
        "This is a symbolic link. Earshot does not follow links. The link was removed.": "Dit is een symbolische koppeling. Earshot volgt geen koppelingen. De koppeling is verwijderd.",
        "The metadata file is not a regular file.": "Het metadatabestand is geen gewoon bestand.",
        "The metadata file is larger than %(limit)s KB.": "Het metadatabestand is groter dan %(limit)s KB.",
        "The metadata file must hold one JSON object.": "Het metadatabestand moet één JSON-object bevatten.",
        "No metadata: there is no %(sidecar)s beside the file and its name is not an Asterisk name (<in|out|internal>-<to>-<from>-<YYYYMMDD>-<HHMMSS>-<id>.wav).": "Geen metadata: naast het bestand staat geen %(sidecar)s en de naam is geen Asterisk-naam (<in|out|internal>-<naar>-<van>-<JJJJMMDD>-<UUMMSS>-<id>.wav).",
        "This is a symbolic link (to %(target)s). Earshot does not follow links: put the file itself in the folder. The link was removed.": "Dit is een symbolische koppeling (naar %(target)s). Earshot volgt geen koppelingen: zet het bestand zelf in de map. De koppeling is verwijderd.",
        "This is a folder. Earshot takes only files placed in the folder itself.": "Dit is een map. Earshot neemt alleen bestanden die direct in de map zelf staan.",
        "Not a recognised audio type (%(extension)s). Earshot takes %(accepted)s.": "Geen bekend audiotype (%(extension)s). Earshot neemt %(accepted)s.",
        "The metadata file is not UTF-8 text.": "Het metadatabestand is geen UTF-8-tekst.",
        "The metadata file is a symbolic link.": "Het metadatabestand is een symbolische koppeling.",
        "The metadata file is nested too deeply.": "Het metadatabestand is te diep genest.",
        "This is not a regular file (a named pipe, socket or device). It was removed without being opened.": "Dit is geen gewoon bestand (een named pipe, socket of apparaat). Het is verwijderd zonder het te openen.",
        "Earshot could not read this file (%(error)s).": "Earshot kon dit bestand niet lezen (%(error)s).",
        "The metadata file is not valid JSON: %(error)s": "Het metadatabestand is geen geldige JSON: %(error)s",
        "This temporary file of an interrupted copy has not changed for a day.": "Dit tijdelijke bestand van een onderbroken kopie is al een dag niet veranderd.",
        "This metadata file has had no audio file beside it for %(minutes)s minutes.": "Naast dit metadatabestand staat al %(minutes)s minuten geen audiobestand.",
        "The AIFF file is truncated: its header announces %(expected)s bytes of audio but the file holds %(actual)s.": "Het AIFF-bestand is afgekapt: de header kondigt %(expected)s bytes audio aan, maar het bestand bevat er %(actual)s.",
        "Earshot cannot accept this recording's encoding (%(encoding)s). Please convert it to WAV (PCM, µ-law, A-law or GSM 6.10), AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC or M4A/MP4 (AAC or ALAC).": "Earshot kan de codering van deze opname (%(encoding)s) niet accepteren. Zet de opname om naar WAV (PCM, µ-law, A-law of GSM 6.10), AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC of M4A/MP4 (AAC of ALAC).",
        "This is not an audio file Earshot can read (WAV, AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC or M4A/MP4).": "Dit is geen audiobestand dat Earshot kan lezen (WAV, AIFF, MP3, AAC, Ogg Vorbis/Opus/Speex, FLAC of M4A/MP4).",
        "The AAC file is truncated: its last frame is cut off.": "Het AAC-bestand is afgekapt: het laatste frame is afgebroken.",
        "an Ogg codec other than Vorbis, Opus or Speex": "een andere Ogg-codec dan Vorbis, Opus of Speex",
        "The AIFF file is damaged: its headers are incomplete.": "Het AIFF-bestand is beschadigd: de headers zijn onvolledig.",
        "AIFF-C compression %(type)s": "AIFF-C-compressie %(type)s",
        "AIFF with %(bits)s-bit samples": "AIFF met samples van %(bits)s bits",
        "This file has another name elsewhere on the disk (a hard link). Earshot takes only files written into the folder. This name was removed.": "Dit bestand heeft elders op de schijf nog een naam (een harde koppeling). Earshot neemt alleen bestanden die in de map zijn geschreven. Deze naam is verwijderd.",
    }
)


# Two-factor sign-in: backup codes and the four-eyes reset of a lost device.
NL.update(
    {
        "Six-digit code from your authenticator app, or a backup code": "Zescijferige code uit je authenticator-app, of een back-upcode",
        "Enter the six digits your app shows, or one of your backup codes (eight letters and digits).": "Vul de zes cijfers in die je app toont, of een van je back-upcodes (acht letters en cijfers).",
        "That backup code is not valid or has been used already.": "Die back-upcode is niet geldig of is al gebruikt.",
        "You signed in with a backup code; it cannot be used again. %(count)d backup code remains.": (
            "Je bent ingelogd met een back-upcode; die werkt niet nog eens. Er is nog %(count)d back-upcode over.",
            "Je bent ingelogd met een back-upcode; die werkt niet nog eens. Er zijn nog %(count)d back-upcodes over.",
        ),
        "Make a new set soon: Backup codes, at the top of the page.": "Maak binnenkort een nieuwe reeks: Back-upcodes, bovenaan de pagina.",
        "Your backup codes": "Je back-upcodes",
        "Keep these codes somewhere safe, away from your phone (print them, or store them in a password manager). When your authenticator app is not at hand, sign in with one of them instead of the six-digit code. Each code works once.": "Bewaar deze codes op een veilige plek, niet bij je telefoon (print ze, of bewaar ze in een wachtwoordmanager). Heb je je authenticator-app niet bij de hand, log dan in met een ervan in plaats van de zescijferige code. Elke code werkt één keer.",
        "This is the only time Earshot shows them.": "Earshot toont ze alleen nu.",
        "Any earlier backup codes no longer work.": "Eerdere back-upcodes werken niet meer.",
        "I have stored them, continue": "Ik heb ze bewaard, verder",
        "Backup codes": "Back-upcodes",
        "You have %(count)s unused backup code.": (
            "Je hebt nog %(count)s ongebruikte back-upcode.",
            "Je hebt nog %(count)s ongebruikte back-upcodes.",
        ),
        "A backup code signs you in once when your authenticator app is not at hand. A new set replaces the old one: the codes you have now stop working.": "Met een back-upcode log je één keer in als je authenticator-app niet bij de hand is. Een nieuwe reeks vervangt de oude: de codes die je nu hebt, werken dan niet meer.",
        "Make a new set of ten codes": "Maak een nieuwe reeks van tien codes",
        "Lost your phone and used every code? Ask your organisation's administrator to reset your two-factor sign-in; a second person approves it.": "Telefoon kwijt en alle codes gebruikt? Vraag de beheerder van je organisatie om je inloggen met twee factoren te herstellen; een tweede persoon keurt dat goed.",
        "Backup codes come with two-factor sign-in, which you have not set up.": "Back-upcodes horen bij inloggen met twee factoren, en dat heb je niet ingesteld.",
        "Phone not at hand? Enter one of your backup codes instead. Used them all? Ask your organisation's administrator to reset your two-factor sign-in.": "Telefoon niet bij de hand? Vul dan een van je back-upcodes in. Alle codes gebruikt? Vraag de beheerder van je organisatie om je inloggen met twee factoren te herstellen.",
        "Once the code is confirmed, Earshot shows you ten backup codes, once.": "Zodra de code is bevestigd, toont Earshot je eenmalig tien back-upcodes.",
        "set up two-factor sign-in with an authenticator app": "heeft inloggen met twee factoren ingesteld met een authenticator-app",
        "made a new set of two-factor backup codes": "heeft een nieuwe reeks back-upcodes voor inloggen met twee factoren gemaakt",
        "signed in with a two-factor backup code": "heeft ingelogd met een back-upcode",
    }
)


if __name__ == "__main__":
    import sys

    import polib

    po = polib.pofile("locale/nl/LC_MESSAGES/django.po")
    missing = []
    for entry in po:
        if entry.msgid in NL:
            translation = NL[entry.msgid]
            if entry.msgid_plural:
                # Plural entries are (singular, plural) pairs; Dutch has two forms.
                singular, plural = (
                    translation if isinstance(translation, tuple) else (translation,) * 2
                )
                entry.msgstr_plural = {0: singular, 1: plural}
            else:
                entry.msgstr = translation
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not (entry.msgstr or any(entry.msgstr_plural.values())) or "fuzzy" in entry.flags:
            # makemessages' fuzzy guesses are often nonsense: treat them as untranslated.
            missing.append(entry.msgid)
    po.metadata["Language"] = "nl"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile("locale/nl/LC_MESSAGES/django.mo")
    if missing:
        print("Untranslated:", *missing, sep="\n  ", file=sys.stderr)
        sys.exit(1)

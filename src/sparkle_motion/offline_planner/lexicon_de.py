"""German words the idea reader knows, mapped onto the English concepts of lexicon_en
(see lexicon_es for the table format; German plurals are listed as words of their own).
Keys are lower case: German capitalises every noun, so case says little about names."""

from __future__ import annotations

from .lexicon_table import nouns, verbs, words

CODE = "de"
ARTICLES = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "einem",
    "einer",
    "eines",
    "im",
    "am",
    "ins",
    "zum",
    "zur",
    "vom",
    "beim",
}
POSSESSIVES = {
    "sein",
    "seine",
    "seinen",
    "seinem",
    "ihr",
    "ihre",
    "ihren",
    "ihrem",
    "mein",
    "meine",
    "unser",
}
AND = {"und"}
PLACE_PREPS = {
    "in",
    "im",
    "an",
    "am",
    "auf",
    "unter",
    "über",
    "bei",
    "beim",
    "hinter",
    "neben",
    "vor",
    "durch",
    "zum",
    "zur",
    "ins",
    "nach",
}
FUNCTION = (
    ARTICLES
    | POSSESSIVES
    | AND
    | PLACE_PREPS
    | set(
        [
            "von",
            "mit",
            "für",
            "der",
            "die",
            "das",
            "dass",
            "wer",
            "wo",
            "wenn",
            "als",
            "oder",
            "aber",
            "sehr",
            "andere",
            "jede",
            "ohne",
            "bis",
            "namens",
            "genannt",
            "zusammen",
            "sich",
            "er",
            "sie",
            "es",
            "nicht",
            "um",
            "zu",
        ]
    )
)
NUMBERS = {"zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "beide": 2, "zwillinge": 2}
NOUNS = nouns(
    """
    mädchen:girl:n junge:boy:m frau:woman:f mann:man:m mutter:mother:f vater:father:m
    großmutter:grandmother:f oma:grandmother:f großvater:grandfather:m opa:grandfather:m
    schwester:sister:f schwestern:sister:f bruder:brother:m brüder:brother:m tochter:daughter:f
    sohn:son:m königin:queen:f könig:king:m prinzessin:princess:f prinz:prince:m hexe:witch:f
    zauberer:wizard:m freundin:friend:f freund:friend:m freunde:friend:m freundinnen:friend:f
    nachbarin:neighbour:f nachbar:neighbour:m fischer:fisherman:m seemann:sailor:m
    bäcker:baker:m bäckerin:baker:f koch:cook:m köchin:cook:f lehrer:teacher:m
    lehrerin:teacher:f ärztin:doctor:f arzt:doctor:m detektiv:detective:m dieb:thief:m
    diebin:thief:f maler:painter:m malerin:painter:f musiker:musician:m musikerin:musician:f
    leuchtturmwärter:keeper:m wärter:keeper:m astronaut:astronaut:m astronautin:astronaut:f
    tänzerin:dancer:f tänzer:dancer:m ritter:knight:m pirat:pirate:m geist:ghost:m
    gespenst:ghost:n riese:giant:m tante:aunt:f onkel:uncle:m kind:child:n kinder:child:n
    baby:baby:n dame:woman:f herr:man:m
    wal:whale:m delfin:dolphin:m fisch:fish:m fische:fish:m hai:shark:m vogel:bird:m
    vögel:bird:m krähe:crow:f rabe:raven:m eule:owl:f papagei:parrot:m pinguin:penguin:m
    ente:duck:f huhn:hen:n katze:cat:f kater:cat:m kätzchen:kitten:n hund:dog:m
    hündin:dog:f welpe:puppy:m wolf:wolf:m fuchs:fox:m pferd:horse:n pony:pony:n esel:donkey:m
    drache:dragon:m drachen:dragon:m roboter:robot:m bär:bear:m maus:mouse:f hase:rabbit:m
    kaninchen:rabbit:n reh:deer:n hirsch:deer:m schildkröte:turtle:f frosch:frog:m
    schnecke:snail:f biene:bee:f schmetterling:butterfly:m eichhörnchen:squirrel:n
    elefant:elephant:m affe:monkey:m ziege:goat:f kuh:cow:f schwein:pig:n schaf:sheep:n
    spinne:spider:f krabbe:crab:f schlange:snake:f monster:monster:n einhorn:unicorn:n
    löwe:lion:m tiger:tiger:m adler:eagle:m taube:pigeon:f
    café:cafe:n cafe:cafe:n küche:kitchen:f zimmer:room:n raum:room:m bibliothek:library:f
    laden:shop:m geschäft:shop:n bäckerei:bakery:f restaurant:restaurant:n schule:school:f
    museum:museum:n bahnhof:station:m krankenhaus:hospital:n kirche:church:f palast:palace:m
    schloss:castle:n burg:castle:f haus:house:n hütte:cabin:f leuchtturm:lighthouse:m
    turm:tower:m zug:train:m markt:market:m werkstatt:workshop:f dachboden:attic:m
    wald:forest:m dschungel:jungle:m strand:beach:m meer:sea:n see:lake:m ozean:ocean:m
    küste:coast:f hafen:harbour:m insel:island:f fluss:river:m berg:mountain:m
    berge:mountains:m gebirge:mountains:n hügel:hill:m tal:valley:n wüste:desert:f
    feld:field:n wiese:meadow:f bauernhof:farm:m garten:garden:m park:park:m straße:street:f
    stadt:city:f dorf:village:n platz:square:m brücke:bridge:f weg:path:m dach:rooftop:n
    himmel:sky:m weltraum:space:m mond:moon:m höhle:cave:f klippe:cliff:f boot:boat:n
    schiff:ship:n
    schach:chess:n schachspiel:chess:n spiel:game:n partie:game:f tisch:table:m
    fahrrad:bike:n rad:bike:n auto:car:n tür:door:f regenschirm:umbrella:m
    schirm:umbrella:m gitarre:guitar:f klavier:piano:n geige:violin:f buch:book:n
    laterne:lantern:f lampe:lamp:f brief:letter:m karte:map:f schlüssel:key:m schatz:treasure:m
    schwert:sword:n ball:ball:m ballon:balloon:m kuchen:cake:m brot:bread:n suppe:soup:f
    tee:tea:m apfel:apple:m blume:flower:f blumen:flowers:f baum:tree:m rakete:rocket:f
    flugzeug:plane:n hut:hat:m mantel:coat:m schal:scarf:m ring:ring:m uhr:clock:f
    kamera:camera:f kiste:box:f schachtel:box:f truhe:chest:f flasche:bottle:f spiegel:mirror:m
    bild:painting:n lied:song:n tanz:dance:m rennen:race:n trommel:drum:f netz:net:n
    leiter:ladder:f fenster:window:n kerze:candle:f feuer:fire:n stein:stone:m
    muschel:shell:f ei:egg:n nest:nest:n korb:basket:m koffer:suitcase:m puppe:doll:f
    spielzeug:toy:n stuhl:chair:m bett:bed:n käse:cheese:m samen:seed:m schneemann:snowman:m
    schlitten:sled:m zauberstab:wand:m krone:crown:f stern:star:m sterne:stars:m
    geschenk:gift:n glocke:bell:f fahne:flag:f brunnen:fountain:m zelt:tent:n
    sturm:storm:m gewitter:storm:n unwetter:storm:n regen:rain:m schnee:snow:m nebel:fog:m
    wind:wind:m donner:thunder:m nacht:night:f mitternacht:midnight:f abend:evening:m
    dämmerung:dusk:f sonnenuntergang:sunset:m morgengrauen:dawn:n sonnenaufgang:sunrise:m
    morgen:morning:m tag:day:m winter:winter:m sommer:summer:m frühling:spring:m
    herbst:autumn:m winternacht:night:f
    """
)
VERBS = verbs(
    """
    streiten:argue streitet:argue kämpfen:fight kämpft:fight spielen:play spielt:play
    suchen:search sucht:search finden:find findet:find entdecken:discover entdeckt:discover
    treffen:meet trifft:meet lernen:learn lernt:learn verlieren:lose verliert:lose
    retten:save rettet:save helfen:help hilft:help bauen:build baut:build fliehen:escape
    flieht:escape reisen:travel reist:travel erkunden:explore erkundet:explore fällt:fall
    träumen:dream träumt:dream verstecken:hide versteckt:hide kehrt:return kehren:return
    singen:sing singt:sing tanzen:dance tanzt:dance malen:paint malt:paint schreibt:write
    schreiben:write kochen:cook kocht:cook pflanzen:plant pflanzt:plant reparieren:fix
    repariert:fix besuchen:visit besucht:visit will:want wollen:want überqueren:cross
    überquert:cross klettern:climb klettert:climb fliegen:fly fliegt:fly schwimmen:swim
    schwimmt:swim laufen:run läuft:run rennt:run öffnen:open öffnet:open backen:bake
    backt:bake wächst:grow tragen:carry trägt:carry gewinnen:win gewinnt:win machen:make
    macht:make jagen:hunt jagt:hunt reiten:ride reitet:ride fahren:ride fährt:ride
    gehen:walk geht:walk wandern:walk wandert:walk segeln:sail segelt:sail teilen:share
    teilt:share warten:wait wartet:wait beobachten:watch beobachtet:watch hören:listen
    hört:listen reden:talk redet:talk sprechen:talk spricht:talk lachen:laugh lacht:laugh
    weinen:cry weint:cry graben:dig gräbt:dig fangen:catch fängt:catch lesen:read liest:read
    schlafen:sleep schläft:sleep essen:eat isst:eat trinkt:drink kaufen:buy kauft:buy
    verkaufen:sell verkauft:sell bringt:bring schickt:send springen:jump springt:jump
    angeln:fish angelt:fish feiern:celebrate feiert:celebrate bereiten:prepare
    verfolgen:chase verfolgt:chase folgen:follow folgt:follow lehrt:teach stehlen:steal
    stiehlt:steal liefern:deliver liefert:deliver kommen:arrive kommt:arrive
    steigen:fly steigt:fly
    """
)
VERBS.update(
    verbs(
        """
        schleicht:sneak schleichen:sneak füttert:feed füttern:feed räumt:tidy räumen:tidy
        essen_v:dine backe:bake baue:build bauen:build
        """
    )
)
NOUNS.update(
    nouns(
        """
        baumhaus:treehouse:n plätzchen:cookie:n keks:cookie:m kekse:cookies:m
        verschneite:snowy:f verschneiten:snowy:f verschneit:snowy:f nachts:night:f
        morgens:morning:m abends:evening:m sand:sand:m sandburg:sandcastle:f
        """
    )
)
POSSESSIVES |= {"ihrer", "seiner", "meiner", "unserer", "ihres", "seines"}
INFINITIVES = verbs(
    """
    suchen:search finden:find spielen:play malen:paint singen:sing tanzen:dance fliegen:fly
    schwimmen:swim laufen:run gehen:walk spazieren:walk warten:wait schauen:watch
    beobachten:watch hören:listen reden:talk lachen:laugh weinen:cry kochen:cook backen:bake
    essen:eat trinken:drink lesen:read schreiben:write schlafen:sleep träumen:dream
    bauen:build reparieren:repair pflanzen:plant gießen:water pflegen:care putzen:clean
    räumen:tidy öffnen:open schließen:close tragen:carry bringen:bring schicken:send
    liefern:deliver stehlen:steal verfolgen:chase fliehen:flee verstecken:hide helfen:help
    retten:save schützen:protect lehren:teach lernen:learn erkunden:explore reisen:travel
    überqueren:cross klettern:climb reiten:ride segeln:sail angeln:fish jagen:hunt
    teilen:share feiern:celebrate vorbereiten:prepare besuchen:visit ankommen:arrive
    verlieren:lose gewinnen:win entdecken:discover füttern:feed zeichnen:draw stricken:knit
    nähen:sew springen:jump streiten:argue kämpfen:fight waschen:wash schmücken:decorate
    zelten:camp sammeln:gather basteln:build schleichen:sneak rennen:run fahren:ride
    """
)
ENDINGS = ("en", "est", "et", "st", "t", "e", "n")
INFINITIVE_ENDINGS = ("en", "n")
ADJECTIVES = set(
    words(
        "rot rote roten roter blau blaue grün grüne gelb gelbe weiß weiße schwarz schwarze "
        "grau graue groß große großen großer klein kleine kleinen kleiner alt alte alten "
        "alter jung junge jungen neu neue neuen schön schöne glücklich traurig allein "
        "verloren verlorene magisch magische dunkel dunkle ruhig ruhige mutig mutige neugierig "
        "neugierige schüchtern schüchterne golden goldene kalt kalte"
    )
)
NOUNS.update(nouns("wand:wall:f mauer:wall:f"))
NOUNS.update(
    nouns(
        """
        kapitän:captain:m kapitänin:captain:f krankenschwester:nurse:f polizist:officer:m
        polizistin:officer:f feuerwehrmann:firefighter:m briefträger:postman:m bauer:farmer:m
        bäuerin:farmer:f hirte:shepherd:m clown:clown:m student:student:m studentin:student:f
        professor:teacher:m professorin:teacher:f künstler:artist:m künstlerin:artist:f
        schriftsteller:writer:m sänger:singer:m sängerin:singer:f forscher:explorer:m
        forscherin:explorer:f gärtner:gardener:m gärtnerin:gardener:f tischler:carpenter:m
        bibliothekar:librarian:m bibliothekarin:librarian:f händler:merchant:m
        uhrmacher:clockmaker:m schneider:tailor:m geschichte:story:f geschichten:story:f
        märchen:story:n balkon:balcony:m u-bahn:subway:f flughafen:airport:m keller:cellar:m
        """
    )
)
INFINITIVES.update(verbs("erzählen:tell nehmen:take gießen:water"))
VERBS.update(verbs("erzählt:tell erzählen:tell nimmt:take gießt:water"))

"""Spanish words the idea reader knows, mapped onto the English concepts of lexicon_en.

NOUNS: word -> (English noun, grammatical gender "m"/"f"); plurals in -s/-es are found by
the reader. VERBS: common conjugated forms -> English base verb. The Spanish word is kept
for the dialogue; the English one goes into prompts, looks and settings.
"""

from __future__ import annotations

from .lexicon_table import nouns, verbs, words

CODE = "es"
ARTICLES = {"el", "la", "los", "las", "un", "una", "unos", "unas", "al", "del", "lo"}
POSSESSIVES = {"su", "sus", "mi", "mis", "tu", "tus", "nuestro", "nuestra"}
AND = {"y", "e"}
PLACE_PREPS = {
    "en",
    "a",
    "al",
    "sobre",
    "bajo",
    "junto",
    "cerca",
    "dentro",
    "por",
    "hacia",
    "desde",
    "entre",
}
FUNCTION = (
    ARTICLES
    | POSSESSIVES
    | AND
    | PLACE_PREPS
    | set(
        [
            "de",
            "del",
            "con",
            "que",
            "se",
            "por",
            "para",
            "como",
            "cuando",
            "donde",
            "mientras",
            "o",
            "pero",
            "muy",
            "otro",
            "otra",
            "todo",
            "toda",
            "cada",
            "sin",
            "hasta",
            "llamado",
            "llamada",
            "juntos",
            "juntas",
        ]
    )
)
NUMBERS = {
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "ambos": 2,
    "ambas": 2,
    "gemelos": 2,
    "gemelas": 2,
}
NOUNS = nouns(
    """
    niña:girl:f niño:boy:m mujer:woman:f hombre:man:m madre:mother:f padre:father:m
    abuela:grandmother:f abuelo:grandfather:m hermana:sister:f hermano:brother:m hija:daughter:f
    hijo:son:m reina:queen:f rey:king:m princesa:princess:f príncipe:prince:m bruja:witch:f
    mago:wizard:m amiga:friend:f amigo:friend:m vecina:neighbour:f vecino:neighbour:m
    pescador:fisherman:m marinero:sailor:m panadera:baker:f panadero:baker:m
    cocinera:cook:f cocinero:cook:m maestra:teacher:f maestro:teacher:m médica:doctor:f
    médico:doctor:m detective:detective:m ladrón:thief:m ladrona:thief:f pintora:painter:f
    pintor:painter:m músico:musician:m música:musician:f anciana:woman:f anciano:man:m
    farera:keeper:f farero:keeper:m astronauta:astronaut:m bailarina:dancer:f bailarín:dancer:m
    caballero:knight:m pirata:pirate:m fantasma:ghost:m gigante:giant:m tía:aunt:f tío:uncle:m
    chica:girl:f chico:boy:m señora:woman:f señor:man:m bebé:baby:
    ballena:whale:f delfín:dolphin:m pez:fish:m peces:fish:m tiburón:shark:m pájaro:bird:m
    cuervo:crow:m búho:owl:m lechuza:owl:f loro:parrot:m pingüino:penguin:m pato:duck:m
    gallina:hen:f gato:cat:m gata:cat:f gatito:kitten:m perro:dog:m perra:dog:f perrito:puppy:m
    lobo:wolf:m zorro:fox:m zorra:fox:f caballo:horse:m burro:donkey:m dragón:dragon:m
    robot:robot:m oso:bear:m ratón:mouse:m conejo:rabbit:m ciervo:deer:m tortuga:turtle:f
    rana:frog:f caracol:snail:m abeja:bee:f mariposa:butterfly:f ardilla:squirrel:f
    elefante:elephant:m mono:monkey:m cabra:goat:f vaca:cow:f cerdo:pig:m oveja:sheep:f
    araña:spider:f cangrejo:crab:m serpiente:snake:f monstruo:monster:m unicornio:unicorn:m
    león:lion:m tigre:tiger:m águila:eagle:f paloma:pigeon:f
    café:cafe:m cafetería:cafe:f cocina:kitchen:f habitación:room:f cuarto:room:m
    biblioteca:library:f tienda:shop:f panadería:bakery:f restaurante:restaurant:m
    escuela:school:f colegio:school:m museo:museum:m estación:station:f hospital:hospital:m
    iglesia:church:f palacio:palace:m castillo:castle:m casa:house:f cabaña:cabin:f
    faro:lighthouse:m torre:tower:f tren:train:m mercado:market:m taller:workshop:m
    bosque:forest:m selva:jungle:f playa:beach:f mar:sea:m océano:ocean:m costa:coast:f
    puerto:harbour:m isla:island:f lago:lake:m río:river:m montaña:mountain:f colina:hill:f
    valle:valley:m desierto:desert:m campo:field:m prado:meadow:m granja:farm:f
    jardín:garden:m parque:park:m calle:street:f ciudad:city:f pueblo:village:m
    plaza:square:f puente:bridge:m camino:path:m tejado:rooftop:m cielo:sky:m
    espacio:space:m luna:moon:f cueva:cave:f acantilado:cliff:m barco:ship:m
    ajedrez:chess:m partida:game:f juego:game:m mesa:table:f bicicleta:bike:f bici:bike:f
    cometa:kite:f coche:car:m barca:boat:f puerta:door:f paraguas:umbrella:m
    guitarra:guitar:f piano:piano:m violín:violin:m libro:book:m linterna:lantern:f
    farol:lantern:m lámpara:lamp:f carta:letter:f mapa:map:m llave:key:f tesoro:treasure:m
    espada:sword:f pelota:ball:f balón:ball:m globo:balloon:m pastel:cake:m tarta:cake:f
    pan:bread:m sopa:soup:f té:tea:m manzana:apple:f flor:flower:f árbol:tree:m
    cohete:rocket:m avión:plane:m sombrero:hat:m abrigo:coat:m bufanda:scarf:f
    anillo:ring:m reloj:clock:m cámara:camera:f caja:box:f cofre:chest:m botella:bottle:f
    espejo:mirror:m cuadro:painting:m canción:song:f baile:dance:m carrera:race:f
    tambor:drum:m red:net:f escalera:ladder:f ventana:window:f vela:candle:f fuego:fire:m
    piedra:stone:f concha:shell:f huevo:egg:m nido:nest:m cesta:basket:f maleta:suitcase:f
    muñeca:doll:f juguete:toy:m silla:chair:f cama:bed:f queso:cheese:m semilla:seed:f
    muñeco:snowman:m trineo:sled:m varita:wand:f corona:crown:f estrella:star:f
    regalo:gift:m campana:bell:f bandera:flag:f fuente:fountain:f tienda:tent:f
    tormenta:storm:f tempestad:storm:f lluvia:rain:f nieve:snow:f niebla:fog:f viento:wind:m
    trueno:thunder:m noche:night:f medianoche:midnight:f tarde:evening:f atardecer:sunset:m
    amanecer:dawn:m alba:dawn:f mañana:morning:f día:day:m invierno:winter:m verano:summer:m
    primavera:spring:f otoño:autumn:m
    """
)
VERBS = verbs(
    """
    discuten:argue discute:argue discutir:argue pelean:fight pelea:fight juegan:play juega:play
    jugar:play buscan:search buscar:search busca:search encuentran:find encuentra:find
    encontrar:find descubren:discover descubre:discover conocen:meet conoce:meet
    aprende:learn aprenden:learn aprender:learn pierde:lose pierden:lose salva:save salvan:save
    ayuda:help ayudan:help construye:build construyen:build escapa:escape escapan:escape
    viaja:travel viajan:travel explora:explore exploran:explore cae:fall sueña:dream sueñan:dream
    esconde:hide vuelve:return vuelven:return despierta:wake canta:sing cantan:sing
    cantar:sing baila:dance bailan:dance bailar:dance pinta:paint pintan:paint escribe:write
    cocina_v:cook cocinan:cook planta:plant plantan:plant arregla:fix arreglan:fix
    visita:visit visitan:visit quiere:want quieren:want cruza:cross cruzan:cross sube:climb
    suben:climb escala:climb vuela:fly vuelan:fly volar:fly nada:swim nadan:swim corre:run
    corren:run abre:open abren:open hornea:bake hornean:bake crece:grow lleva:carry
    llevan:carry gana:win ganan:win hace:make hacen:make caza:hunt cazan:hunt monta:ride
    montan:ride camina:walk caminan:walk pasea:walk pasean:walk navega:sail navegan:sail
    comparte:share comparten:share espera:wait esperan:wait mira:watch miran:watch
    escucha:listen escuchan:listen habla:talk hablan:talk ríe:laugh ríen:laugh llora:cry
    lloran:cry cava:dig cavan:dig atrapa:catch atrapan:catch lee:read leen:read duerme:sleep
    duermen:sleep come:eat comen:eat bebe:drink compra:buy compran:buy vende:sell venden:sell
    regala:give trae:bring envía:send conduce:drive salta:jump saltan:jump patina:skate
    patinan:skate pesca:fish pescan:fish celebran:celebrate celebra:celebrate preparan:prepare
    prepara:prepare persigue:chase persiguen:chase rescata:rescue rescatan:rescue
    protege:protect protegen:protect sigue:follow siguen:follow enseña:teach roba:steal
    roban:steal entrega:deliver entregan:deliver llega:arrive llegan:arrive va:go van:go
    """
)
VERBS.update(
    verbs(
        """
        toca:play tocan:play tocar:play hacemos:make hacer:make cocinamos:cook cocinar:cook
        buscamos:search jugamos:play construimos:build construir:build nadar:swim correr:run
        alimenta:feed alimentan:feed da_de_comer:feed limpia:clean limpian:clean ordena:tidy
        ordenan:tidy cenan:dine cena_v:dine duerme:sleep
        """
    )
)
NOUNS.update(
    nouns("arena:sand:f concha:shell:f tortuga:turtle:f librero:bookseller:m librera:bookseller:f")
)
# infinitives: a regular form is found from its stem ('pintan' -> 'pintar')
INFINITIVES = verbs(
    """
    buscar:search encontrar:find jugar:play pintar:paint cantar:sing bailar:dance volar:fly
    nadar:swim correr:run caminar:walk pasear:walk esperar:wait mirar:watch observar:watch
    escuchar:listen hablar:talk reír:laugh llorar:cry cocinar:cook hornear:bake comer:eat
    beber:drink leer:read escribir:write dormir:sleep soñar:dream construir:build
    arreglar:fix reparar:repair plantar:plant regar:water cuidar:care limpiar:clean
    ordenar:tidy guardar:keep abrir:open cerrar:close llevar:carry traer:bring enviar:send
    entregar:deliver robar:steal perseguir:chase escapar:escape huir:flee esconder:hide
    ayudar:help salvar:save rescatar:rescue proteger:protect enseñar:teach aprender:learn
    explorar:explore viajar:travel cruzar:cross subir:climb escalar:climb montar:ride
    navegar:sail pescar:fish cazar:hunt compartir:share celebrar:celebrate preparar:prepare
    visitar:visit llegar:arrive volver:return perder:lose ganar:win descubrir:discover
    alimentar:feed dibujar:draw tejer:knit coser:sew saltar:jump patinar:skate
    discutir:argue pelear:fight competir:compete tocar:play hacer:make cenar:dine
    desayunar:eat lavar:wash colgar:hang decorar:decorate acampar:camp recoger:gather
    """
)
ENDINGS = (
    "amos",
    "emos",
    "imos",
    "aron",
    "ieron",
    "ando",
    "iendo",
    "an",
    "en",
    "as",
    "es",
    "a",
    "e",
    "o",
    "ó",
    "ió",
)
INFINITIVE_ENDINGS = ("ar", "er", "ir")
ADJECTIVES = set(
    words(
        "rojo roja rojos rojas azul azules verde verdes amarillo amarilla blanco blanca negro "
        "negra gris grande grandes pequeño pequeña pequeños pequeñas viejo vieja viejos "
        "viejas joven jóvenes nuevo nueva antiguo antigua bonito bonita feliz triste solo "
        "sola perdido perdida mágico mágica oscuro oscura tranquilo tranquila valiente "
        "curioso curiosa tímido tímida dorado dorada frío fría lluvioso nevado helado"
    )
)
NOUNS.update(nouns("pared:wall:f muro:wall:m fuego:fire:m hoguera:campfire:f"))
NOUNS.update(
    nouns(
        """
        capitán:captain:m capitana:captain:f pescadora:fisherman:f enfermera:nurse:f
        enfermero:nurse:m policía:officer:m bombero:firefighter:m bombera:firefighter:f
        cartero:postman:m cartera:postman:f granjero:farmer:m granjera:farmer:f
        campesino:farmer:m campesina:farmer:f pastor:shepherd:m pastora:shepherd:f
        payaso:clown:m payasa:clown:f estudiante:student:m profesor:teacher:m profesora:teacher:f
        doctora:doctor:f artista:artist:m escritor:writer:m escritora:writer:f cantante:singer:m
        viajero:traveller:m viajera:traveller:f explorador:explorer:m exploradora:explorer:f
        jardinero:gardener:m jardinera:gardener:f carpintero:carpenter:m sastre:tailor:m
        bibliotecaria:librarian:f bibliotecario:librarian:m relojero:clockmaker:m
        historia:story:f cuento:story:m balcón:balcony:m geranio:flower:m
        """
    )
)
INFINITIVES.update(verbs("contar:tell regar:water tomar:take coger:take"))
VERBS.update(verbs("cuenta:tell cuentan:tell riega:water riegan:water toma:take"))

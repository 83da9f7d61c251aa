"""French words the idea reader knows, mapped onto the English concepts of lexicon_en
(see lexicon_es for the table format)."""

from __future__ import annotations

from .lexicon_table import nouns, verbs, words

CODE = "fr"
ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "au", "aux"}
POSSESSIVES = {"son", "sa", "ses", "mon", "ma", "mes", "ton", "ta", "tes", "leur", "leurs", "notre"}
AND = {"et"}
PLACE_PREPS = {
    "dans",
    "sur",
    "sous",
    "à",
    "au",
    "aux",
    "en",
    "près",
    "devant",
    "derrière",
    "vers",
    "chez",
    "par",
}
FUNCTION = (
    ARTICLES
    | POSSESSIVES
    | AND
    | PLACE_PREPS
    | set(
        [
            "de",
            "d",
            "qui",
            "que",
            "qu",
            "avec",
            "pour",
            "pendant",
            "quand",
            "où",
            "ou",
            "mais",
            "très",
            "autre",
            "tout",
            "toute",
            "chaque",
            "sans",
            "jusqu",
            "nommé",
            "nommée",
            "appelé",
            "appelée",
            "ensemble",
            "se",
            "s",
            "il",
            "elle",
            "ils",
            "elles",
            "ne",
            "pas",
        ]
    )
)
NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "jumeaux": 2, "jumelles": 2}
NOUNS = nouns(
    """
    fille:girl:f fillette:girl:f garçon:boy:m femme:woman:f homme:man:m mère:mother:f
    père:father:m grand-mère:grandmother:f grand-père:grandfather:m mamie:grandmother:f
    papi:grandfather:m sœur:sister:f soeur:sister:f frère:brother:m fils:son:m reine:queen:f
    roi:king:m princesse:princess:f prince:prince:m sorcière:witch:f sorcier:wizard:m
    amie:friend:f ami:friend:m copain:friend:m copine:friend:f voisine:neighbour:f
    voisin:neighbour:m pêcheur:fisherman:m marin:sailor:m boulangère:baker:f boulanger:baker:m
    cuisinière:cook:f cuisinier:cook:m maîtresse:teacher:f professeur:teacher:m
    médecin:doctor:m détective:detective:m voleur:thief:m voleuse:thief:f peintre:painter:m
    musicien:musician:m musicienne:musician:f vieille:woman:f vieillard:man:m
    gardien:keeper:m gardienne:keeper:f astronaute:astronaut:m danseuse:dancer:f
    danseur:dancer:m chevalier:knight:m pirate:pirate:m fantôme:ghost:m géant:giant:m
    tante:aunt:f oncle:uncle:m enfant:child: bébé:baby: dame:woman:f monsieur:man:m
    baleine:whale:f dauphin:dolphin:m poisson:fish:m requin:shark:m oiseau:bird:m
    oiseaux:bird:m corbeau:crow:m corneille:crow:f hibou:owl:m chouette:owl:f
    perroquet:parrot:m pingouin:penguin:m manchot:penguin:m canard:duck:m poule:hen:f
    chat:cat:m chatte:cat:f chaton:kitten:m chien:dog:m chienne:dog:f chiot:puppy:m
    loup:wolf:m renard:fox:m cheval:horse:m chevaux:horse:m âne:donkey:m dragon:dragon:m
    robot:robot:m ours:bear:m souris:mouse:f lapin:rabbit:m cerf:deer:m tortue:turtle:f
    grenouille:frog:f escargot:snail:m abeille:bee:f papillon:butterfly:m écureuil:squirrel:m
    éléphant:elephant:m singe:monkey:m chèvre:goat:f vache:cow:f cochon:pig:m mouton:sheep:m
    araignée:spider:f crabe:crab:m serpent:snake:m monstre:monster:m licorne:unicorn:f
    lion:lion:m tigre:tiger:m aigle:eagle:m pigeon:pigeon:m
    café:cafe:m cuisine:kitchen:f chambre:room:f pièce:room:f bibliothèque:library:f
    boutique:shop:f magasin:shop:m boulangerie:bakery:f restaurant:restaurant:m école:school:f
    musée:museum:m gare:station:f hôpital:hospital:m église:church:f palais:palace:m
    château:castle:m maison:house:f cabane:cabin:f phare:lighthouse:m tour:tower:f
    train:train:m marché:market:m atelier:workshop:m grenier:attic:m
    forêt:forest:f bois:woods:m jungle:jungle:f plage:beach:f mer:sea:f océan:ocean:m
    côte:coast:f port:harbour:m île:island:f lac:lake:m rivière:river:f fleuve:river:m
    montagne:mountain:f colline:hill:f vallée:valley:f désert:desert:m champ:field:m
    prairie:meadow:f ferme:farm:f jardin:garden:m parc:park:m rue:street:f ville:city:f
    village:village:m place:square:f pont:bridge:m chemin:path:m toit:rooftop:m ciel:sky:m
    espace:space:m lune:moon:f grotte:cave:f falaise:cliff:f bateau:boat:m navire:ship:m
    échecs:chess:m partie:game:f jeu:game:m table:table:f vélo:bike:m bicyclette:bike:f
    cerf-volant:kite:m voiture:car:f barque:boat:f porte:door:f parapluie:umbrella:m
    guitare:guitar:f piano:piano:m violon:violin:m livre:book:m lanterne:lantern:f
    lampe:lamp:f lettre:letter:f carte:map:f clé:key:f clef:key:f trésor:treasure:m
    épée:sword:f balle:ball:f ballon:ball:m gâteau:cake:m pain:bread:m soupe:soup:f
    thé:tea:m pomme:apple:f fleur:flower:f arbre:tree:m fusée:rocket:f avion:plane:m
    chapeau:hat:m manteau:coat:m écharpe:scarf:f bague:ring:f horloge:clock:f montre:watch:f
    appareil:camera:m boîte:box:f coffre:chest:m bouteille:bottle:f miroir:mirror:m
    tableau:painting:m chanson:song:f danse:dance:f course:race:f tambour:drum:m filet:net:m
    échelle:ladder:f fenêtre:window:f bougie:candle:f feu:fire:m pierre:stone:f
    coquillage:shell:m œuf:egg:m oeuf:egg:m nid:nest:m panier:basket:m valise:suitcase:f
    poupée:doll:f jouet:toy:m chaise:chair:f lit:bed:m fromage:cheese:m graine:seed:f
    bonhomme:snowman:m luge:sled:f baguette:wand:f couronne:crown:f étoile:star:f
    cadeau:gift:m cloche:bell:f drapeau:flag:m fontaine:fountain:f tente:tent:f
    tempête:storm:f orage:storm:m pluie:rain:f neige:snow:f brouillard:fog:m brume:fog:f
    vent:wind:m tonnerre:thunder:m nuit:night:f minuit:midnight:m soir:evening:m
    soirée:evening:f crépuscule:dusk:m coucher:sunset:m aube:dawn:f aurore:dawn:f
    matin:morning:m jour:day:m journée:day:f hiver:winter:m été:summer:m printemps:spring:m
    automne:autumn:m
    """
)
VERBS = verbs(
    """
    discutent:argue discute:argue disputent:argue dispute:argue
    jouent:play joue:play jouer:play cherchent:search cherche:search chercher:search
    trouvent:find trouve:find découvrent:discover découvre:discover rencontrent:meet
    rencontre:meet apprend:learn apprennent:learn perd:lose perdent:lose sauve:save
    sauvent:save aide:help aident:help construit:build construisent:build échappe:escape
    voyage:travel voyagent:travel explore:explore explorent:explore tombe:fall rêve:dream
    rêvent:dream cache:hide revient:return reviennent:return chante:sing chantent:sing
    chanter:sing danse_v:dance dansent:dance danser:dance peint:paint peignent:paint
    écrit:write cuisine_v:cook cuisinent:cook plante:plant plantent:plant répare:fix
    réparent:fix visite:visit visitent:visit veut:want veulent:want traverse:cross
    traversent:cross grimpe:climb grimpent:climb vole:fly volent:fly voler:fly nage:swim
    nagent:swim court:run courent:run ouvre:open ouvrent:open grandit:grow porte_v:carry
    portent:carry gagne:win gagnent:win fait:make font:make chasse:hunt chassent:hunt
    attend:wait attendent:wait regarde:watch regardent:watch écoute:listen écoutent:listen
    parle:talk parlent:talk rit:laugh rient:laugh pleure:cry pleurent:cry creuse:dig
    attrape:catch attrapent:catch lit_v:read lisent:read dort:sleep dorment:sleep mange:eat
    mangent:eat boit:drink achète:buy vend:sell donne:give apporte:bring envoie:send
    conduit:drive saute:jump sautent:jump patine:skate pêche:fish pêchent:fish
    célèbrent:celebrate fêtent:celebrate prépare:prepare préparent:prepare poursuit:chase
    poursuivent:chase suit:follow suivent:follow enseigne:teach vole_v:steal volent_v:steal
    livre_v:deliver livrent:deliver arrive:arrive arrivent:arrive va:go vont:go
    partagent:share partage:share promène:walk promènent:walk marche:walk marchent:walk
    navigue:sail naviguent:sail monte:ride montent:ride
    """
)
VERBS.update(
    verbs(
        """
        nourrit:feed nourrissent:feed range:tidy rangent:tidy dîne:dine dînent:dine
        dîner:dine soupe_v:dine faisons:make font:make fabriquent:build fabrique:build
        jouons:play cherchons:search attendons:wait promènent:walk
        """
    )
)
NOUNS.update(nouns("libraire:bookseller:m sable:sand:m coquillage:shell:m"))
INFINITIVES = verbs(
    """
    chercher:search trouver:find jouer:play peindre:paint chanter:sing danser:dance voler:fly
    nager:swim courir:run marcher:walk promener:walk attendre:wait regarder:watch
    observer:watch écouter:listen parler:talk rire:laugh pleurer:cry cuisiner:cook
    manger:eat boire:drink lire:read écrire:write dormir:sleep rêver:dream construire:build
    réparer:repair planter:plant arroser:water soigner:care nettoyer:clean ranger:tidy
    garder:keep ouvrir:open fermer:close porter:carry apporter:bring envoyer:send
    livrer:deliver voler:steal poursuivre:chase échapper:escape fuir:flee cacher:hide
    aider:help sauver:save protéger:protect enseigner:teach apprendre:learn explorer:explore
    voyager:travel traverser:cross grimper:climb monter:ride naviguer:sail pêcher:fish
    chasser:hunt partager:share fêter:celebrate célébrer:celebrate préparer:prepare
    visiter:visit arriver:arrive rentrer:return perdre:lose gagner:win découvrir:discover
    nourrir:feed dessiner:draw tricoter:knit coudre:sew sauter:jump patiner:skate
    disputer:argue discuter:argue battre:fight dîner:dine laver:wash décorer:decorate
    camper:camp cueillir:gather fabriquer:build bâtir:build
    """
)
ENDINGS = ("issent", "ent", "ons", "ez", "es", "e", "it", "is", "ait", "aient", "ant")
INFINITIVE_ENDINGS = ("er", "ir", "re")
ADJECTIVES = set(
    words(
        "rouge rouges bleu bleue vert verte jaune blanc blanche noir noire gris grise grand "
        "grande petit petite petits petites vieux vieil nouveau nouvelle jeune beau belle "
        "joli jolie heureux heureuse triste seul seule perdu perdue magique sombre tranquille "
        "courageux courageuse curieux curieuse timide doré dorée froid froide enneigé enneigée"
    )
)
NOUNS.update(nouns("mur:wall:m feu:fire:m"))
NOUNS.update(
    nouns(
        """
        capitaine:captain:m infirmière:nurse:f infirmier:nurse:m policier:officer:m
        pompier:firefighter:m facteur:postman:m factrice:postman:f fermier:farmer:m
        fermière:farmer:f berger:shepherd:m bergère:shepherd:f clown:clown:m étudiant:student:m
        étudiante:student:f docteur:doctor:m artiste:artist:m écrivain:writer:m
        chanteur:singer:m chanteuse:singer:f voyageur:traveller:m voyageuse:traveller:f
        explorateur:explorer:m exploratrice:explorer:f jardinier:gardener:m jardinière:gardener:f
        charpentier:carpenter:m bibliothécaire:librarian:m pâtissier:baker:m pâtissière:baker:f
        marchand:merchant:m marchande:merchant:f horloger:clockmaker:m histoire:story:f
        conte:story:m métro:subway:m salon:room:m balcon:balcony:m
        """
    )
)
INFINITIVES.update(verbs("raconter:tell prendre:take"))
VERBS.update(verbs("raconte:tell racontent:tell prend:take prennent:take"))

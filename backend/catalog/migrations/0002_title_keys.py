"""Title keys for search: the SQL twin of backend.catalog.titles (tests hold the two equal), the
generated key columns with prefix indexes, and the typo index catalog_title_trigram kept by triggers.

Plain SQL and PL/pgSQL only: no contrib extension (pg_trgm, unaccent), so it runs on the embedded
pgserver and on any Postgres >= 14 (SQL-standard function bodies). The fold is spelled out with
translate() rather than lower() under the database's collation, so every database computes the
same keys.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

TITLE_FUNCTIONS = r"""
CREATE FUNCTION catalog_title_fold(title text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(translate(normalize(title, NFKC), 'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŊŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǤǦǧǨǩǪǫǬǭǮǯǰǴǵǶǷǸǹǺǻǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎͰͲͶͿΆΈΉΊΌΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίΰςϊϋόύώϏϘϚϜϞϠϢϤϦϨϪϬϮϷϺϽϾϿЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯйѐёѓїќѝўѠѢѤѦѨѪѬѮѰѲѴѶѷѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӂӃӅӇӉӋӍӐӑӒӓӔӖӗӘӚӛӜӝӞӟӠӢӣӤӥӦӧӨӪӫӬӭӮӯӰӱӲӳӴӵӶӸӹӺӼӾḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾἀἁἂἃἄἅἆἇἈἉἊἋἌἍἎἏἐἑἒἓἔἕἘἙἚἛἜἝἠἡἢἣἤἥἦἧἨἩἪἫἬἭἮἯἰἱἲἳἴἵἶἷἸἹἺἻἼἽἾἿὀὁὂὃὄὅὈὉὊὋὌὍὐὑὒὓὔὕὖὗὙὛὝὟὠὡὢὣὤὥὦὧὨὩὪὫὬὭὮὯὰὲὴὶὸὺὼᾀᾁᾂᾃᾄᾅᾆᾇᾈᾉᾊᾋᾌᾍᾎᾏᾐᾑᾒᾓᾔᾕᾖᾗᾘᾙᾚᾛᾜᾝᾞᾟᾠᾡᾢᾣᾤᾥᾦᾧᾨᾩᾪᾫᾬᾭᾮᾯᾰᾱᾲᾳᾴᾶᾷᾸᾹᾺᾼῂῃῄῆῇῈῊῌῐῑῒῖῗῘῙῚῠῡῢῤῥῦῧῨῩῪῬῲῳῴῶῷῸῺῼ	

   ’‘ʼʻ`′“”„‟«»‹›–—―‐‒−•¡¿×·̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿͂͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡', 'abcdefghijklmnopqrstuvwxyzaaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllnnnnnnŋoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽaaiioouuuuuuuuuuaaaaǥggkkooooʒʒjggƕƿnnaaooaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏͱͳͷϳαεηιουωιαβγδεζηθικλμνξοπρστυφχψωιυαεηιυσιυουωϗϙϛϝϟϡϣϥϧϩϫϭϯϸϻͻͼͽееђгєѕііјљњћкиуџабвгдежзииклмнопрстуфхцчшщъыьэюяиеегікиуѡѣѥѧѩѫѭѯѱѳѵѵѵѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏжжӄӆӈӊӌӎааааӕееәәәжжззӡииииооөөөээууууууччӷыыӻӽӿaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽỿααααααααααααααααεεεεεεεεεεεεηηηηηηηηηηηηηηηηιιιιιιιιιιιιιιιιοοοοοοοοοοοουυυυυυυυυυυυωωωωωωωωωωωωωωωωαεηιουωααααααααααααααααηηηηηηηηηηηηηηηηωωωωωωωωωωωωωωωωαααααααααααηηηηηεηηιιιιιιιιυυυρρυυυυυρωωωωωοωω             ''''''''''''                  .'), 'Æ', 'ae'), 'Þ', 'th'), 'ß', 'ss'), 'æ', 'ae'), 'þ', 'th'), 'Œ', 'oe'), 'œ', 'oe'), 'Ǣ', 'ae'), 'ǣ', 'ae'), 'Ǽ', 'ae'), 'ǽ', 'ae'), 'ẞ', 'ss');

CREATE FUNCTION catalog_title_part_key(folded text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(btrim(regexp_replace(translate(replace(regexp_replace(regexp_replace(btrim(folded, ' '), '^(.*[^ ]) *, *(l'')$', '\2\1'), '^(.*[^ ]) *, *(the|a|an|la|le|les|il|lo|gli|i|el|los|las|un|une|una|der|die|das|den|det|de|het|een|o|os|as|ein|eine)$', '\2 \1'), '&', ' and '), '.''', ''), '[^a-z0-9\u0080-\U0010FFFF]+', ' ', 'g'), ' '), '^(?:the|a|an) (?=.)', '');

CREATE FUNCTION catalog_title_key(title text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN catalog_title_part_key(regexp_replace(regexp_replace(catalog_title_fold(title), ' *\((?:18[7-9][0-9]|19[0-9][0-9]|20[0-9][0-9])\) *$', ''), '^(.*[^ ]) *\(([^()]*)\) *$', '\1'));

CREATE FUNCTION catalog_title_alt_key(title text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (
        SELECT CASE WHEN folded ~ '^(.*[^ ]) *\(([^()]*)\) *$' THEN nullif(catalog_title_part_key(regexp_replace(
            btrim(regexp_replace(folded, '^(.*[^ ]) *\(([^()]*)\) *$', '\2'), ' '), '^a\.?k\.?a\.? *', '')), '') END
        FROM (SELECT regexp_replace(catalog_title_fold(title), ' *\((?:18[7-9][0-9]|19[0-9][0-9]|20[0-9][0-9])\) *$', '') AS folded) AS without_year
    );

CREATE FUNCTION catalog_title_trigrams(key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(
        SELECT DISTINCT substr(padded, start, 3)
        FROM (SELECT '  ' || word || ' ' AS padded FROM regexp_split_to_table(key, ' ') AS word WHERE word <> '') AS words,
            generate_series(1, length(padded) - 2) AS start
        ORDER BY 1
    );
"""

DROP_TITLE_FUNCTIONS = """
DROP FUNCTION catalog_title_trigrams(text);
DROP FUNCTION catalog_title_alt_key(text);
DROP FUNCTION catalog_title_key(text);
DROP FUNCTION catalog_title_part_key(text);
DROP FUNCTION catalog_title_fold(text);
"""

TITLE_TRIGRAMS = r"""
CREATE TABLE catalog_title_trigram (
    trigram text NOT NULL,
    movie_id bigint NOT NULL,
    variant smallint NOT NULL,
    trigram_count smallint NOT NULL,
    PRIMARY KEY (trigram, movie_id, variant) INCLUDE (trigram_count)
);
CREATE INDEX catalog_title_trigram_movie ON catalog_title_trigram (movie_id);

-- One row per distinct trigram of each distinct key of a movie (0 title, 1 alternative title,
-- 2 original title), with the key's trigram count for the similarity's denominator.
CREATE FUNCTION catalog_title_trigram_rows(movie bigint, title_key text, title_alt_key text, original_title_key text)
    RETURNS TABLE (trigram text, movie_id bigint, variant smallint, trigram_count smallint)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT trigram, movie, keyed.variant, cardinality(keyed.trigrams)::smallint
    FROM (
        SELECT DISTINCT ON (k.key) k.variant, catalog_title_trigrams(k.key) AS trigrams
        FROM (VALUES (0::smallint, title_key), (1::smallint, title_alt_key), (2::smallint, original_title_key)) AS k (variant, key)
        WHERE k.key <> ''
        ORDER BY k.key, k.variant
    ) AS keyed, unnest(keyed.trigrams) AS trigram;
END;

CREATE FUNCTION catalog_title_trigram_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalog_title_trigram (trigram, movie_id, variant, trigram_count)
    SELECT r.* FROM new_rows AS n,
        catalog_title_trigram_rows(n.id, n.title_key, n.title_alt_key, n.original_title_key) AS r;
    RETURN NULL;
END $$;

CREATE FUNCTION catalog_title_trigram_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM catalog_title_trigram WHERE movie_id = OLD.id;
    INSERT INTO catalog_title_trigram (trigram, movie_id, variant, trigram_count)
    SELECT * FROM catalog_title_trigram_rows(NEW.id, NEW.title_key, NEW.title_alt_key, NEW.original_title_key);
    RETURN NULL;
END $$;

CREATE FUNCTION catalog_title_trigram_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM catalog_title_trigram AS t USING old_rows AS o WHERE t.movie_id = o.id;
    RETURN NULL;
END $$;

CREATE FUNCTION catalog_title_trigram_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE catalog_title_trigram;
    RETURN NULL;
END $$;

-- Statement-level with transition tables, so a bulk_create or COPY indexes its rows in one INSERT.
CREATE TRIGGER catalog_movie_title_trigram_insert AFTER INSERT ON catalog_movie
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_title_trigram_insert();
-- Row-level with WHEN, so the many updates that leave titles alone (rankings) cost nothing.
CREATE TRIGGER catalog_movie_title_trigram_update AFTER UPDATE ON catalog_movie
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.original_title IS DISTINCT FROM NEW.original_title)
    EXECUTE FUNCTION catalog_title_trigram_update();
CREATE TRIGGER catalog_movie_title_trigram_delete AFTER DELETE ON catalog_movie
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_title_trigram_delete();
CREATE TRIGGER catalog_movie_title_trigram_truncate AFTER TRUNCATE ON catalog_movie
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_title_trigram_truncate();

INSERT INTO catalog_title_trigram (trigram, movie_id, variant, trigram_count)
SELECT r.* FROM catalog_movie AS m, catalog_title_trigram_rows(m.id, m.title_key, m.title_alt_key, m.original_title_key) AS r;
"""

DROP_TITLE_TRIGRAMS = """
DROP TRIGGER catalog_movie_title_trigram_truncate ON catalog_movie;
DROP TRIGGER catalog_movie_title_trigram_delete ON catalog_movie;
DROP TRIGGER catalog_movie_title_trigram_update ON catalog_movie;
DROP TRIGGER catalog_movie_title_trigram_insert ON catalog_movie;
DROP FUNCTION catalog_title_trigram_truncate();
DROP FUNCTION catalog_title_trigram_delete();
DROP FUNCTION catalog_title_trigram_update();
DROP FUNCTION catalog_title_trigram_insert();
DROP FUNCTION catalog_title_trigram_rows(bigint, text, text, text);
DROP TABLE catalog_title_trigram;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(TITLE_FUNCTIONS, DROP_TITLE_FUNCTIONS),
        migrations.AddField(
            model_name="movie",
            name="original_title_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("original_title"), function="catalog_title_key", output_field=models.TextField()
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddField(
            model_name="movie",
            name="title_alt_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("title"), function="catalog_title_alt_key", output_field=models.TextField()
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddField(
            model_name="movie",
            name="title_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("title"), function="catalog_title_key", output_field=models.TextField()
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddField(
            model_name="movie",
            name="title_words",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    models.Func(models.F("title"), function="catalog_title_key", output_field=models.TextField()),
                    config="simple",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="movie",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(models.F("title_key"), name="text_pattern_ops"),
                name="movie_title_key",
            ),
        ),
        migrations.AddIndex(
            model_name="movie",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(models.F("title_alt_key"), name="text_pattern_ops"),
                name="movie_title_alt_key",
            ),
        ),
        migrations.AddIndex(
            model_name="movie",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(models.F("original_title_key"), name="text_pattern_ops"),
                name="movie_original_title_key",
            ),
        ),
        migrations.AddIndex(
            model_name="movie",
            index=django.contrib.postgres.indexes.GinIndex(fields=["title_words"], name="movie_title_words_gin"),
        ),
        migrations.RunSQL(TITLE_TRIGRAMS, DROP_TITLE_TRIGRAMS),
    ]

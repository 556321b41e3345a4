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

# The fold of backend.catalog.titles.FOLD_TABLE as it was when this migration was written:
# characters to translate (then characters to delete), their one-character replacements, and the
# characters that become two.
FOLD_FROM = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ\xc0\xc1\xc2\xc3\xc4\xc5\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1"
    "\xd2\xd3\xd4\xd5\xd6\xd8\xd9\xda\xdb\xdc\xdd\xe0\xe1\xe2\xe3\xe4\xe5\xe7\xe8\xe9\xea\xeb\xec\xed"
    "\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf8\xf9\xfa\xfb\xfc\xfd\xff\u0100\u0101\u0102\u0103\u0104"
    "\u0105\u0106\u0107\u0108\u0109\u010a\u010b\u010c\u010d\u010e\u010f\u0110\u0111\u0112\u0113\u0114"
    "\u0115\u0116\u0117\u0118\u0119\u011a\u011b\u011c\u011d\u011e\u011f\u0120\u0121\u0122\u0123\u0124"
    "\u0125\u0126\u0127\u0128\u0129\u012a\u012b\u012c\u012d\u012e\u012f\u0130\u0131\u0134\u0135\u0136"
    "\u0137\u0139\u013a\u013b\u013c\u013d\u013e\u0141\u0142\u0143\u0144\u0145\u0146\u0147\u0148\u014a"
    "\u014c\u014d\u014e\u014f\u0150\u0151\u0154\u0155\u0156\u0157\u0158\u0159\u015a\u015b\u015c\u015d"
    "\u015e\u015f\u0160\u0161\u0162\u0163\u0164\u0165\u0166\u0167\u0168\u0169\u016a\u016b\u016c\u016d"
    "\u016e\u016f\u0170\u0171\u0172\u0173\u0174\u0175\u0176\u0177\u0178\u0179\u017a\u017b\u017c\u017d"
    "\u017e\u0181\u0182\u0184\u0186\u0187\u0189\u018a\u018b\u018e\u018f\u0190\u0191\u0193\u0194\u0196"
    "\u0197\u0198\u019c\u019d\u019f\u01a0\u01a1\u01a2\u01a4\u01a6\u01a7\u01a9\u01ac\u01ae\u01af\u01b0"
    "\u01b1\u01b2\u01b3\u01b5\u01b7\u01b8\u01bc\u01cd\u01ce\u01cf\u01d0\u01d1\u01d2\u01d3\u01d4\u01d5"
    "\u01d6\u01d7\u01d8\u01d9\u01da\u01db\u01dc\u01de\u01df\u01e0\u01e1\u01e4\u01e6\u01e7\u01e8\u01e9"
    "\u01ea\u01eb\u01ec\u01ed\u01ee\u01ef\u01f0\u01f4\u01f5\u01f6\u01f7\u01f8\u01f9\u01fa\u01fb\u01fe"
    "\u01ff\u0200\u0201\u0202\u0203\u0204\u0205\u0206\u0207\u0208\u0209\u020a\u020b\u020c\u020d\u020e"
    "\u020f\u0210\u0211\u0212\u0213\u0214\u0215\u0216\u0217\u0218\u0219\u021a\u021b\u021c\u021e\u021f"
    "\u0220\u0222\u0224\u0226\u0227\u0228\u0229\u022a\u022b\u022c\u022d\u022e\u022f\u0230\u0231\u0232"
    "\u0233\u023a\u023b\u023d\u023e\u0241\u0243\u0244\u0245\u0246\u0248\u024a\u024c\u024e\u0370\u0372"
    "\u0376\u037f\u0386\u0388\u0389\u038a\u038c\u038e\u038f\u0390\u0391\u0392\u0393\u0394\u0395\u0396"
    "\u0397\u0398\u0399\u039a\u039b\u039c\u039d\u039e\u039f\u03a0\u03a1\u03a3\u03a4\u03a5\u03a6\u03a7"
    "\u03a8\u03a9\u03aa\u03ab\u03ac\u03ad\u03ae\u03af\u03b0\u03c2\u03ca\u03cb\u03cc\u03cd\u03ce\u03cf"
    "\u03d8\u03da\u03dc\u03de\u03e0\u03e2\u03e4\u03e6\u03e8\u03ea\u03ec\u03ee\u03f7\u03fa\u03fd\u03fe"
    "\u03ff\u0400\u0401\u0402\u0403\u0404\u0405\u0406\u0407\u0408\u0409\u040a\u040b\u040c\u040d\u040e"
    "\u040f\u0410\u0411\u0412\u0413\u0414\u0415\u0416\u0417\u0418\u0419\u041a\u041b\u041c\u041d\u041e"
    "\u041f\u0420\u0421\u0422\u0423\u0424\u0425\u0426\u0427\u0428\u0429\u042a\u042b\u042c\u042d\u042e"
    "\u042f\u0439\u0450\u0451\u0453\u0457\u045c\u045d\u045e\u0460\u0462\u0464\u0466\u0468\u046a\u046c"
    "\u046e\u0470\u0472\u0474\u0476\u0477\u0478\u047a\u047c\u047e\u0480\u048a\u048c\u048e\u0490\u0492"
    "\u0494\u0496\u0498\u049a\u049c\u049e\u04a0\u04a2\u04a4\u04a6\u04a8\u04aa\u04ac\u04ae\u04b0\u04b2"
    "\u04b4\u04b6\u04b8\u04ba\u04bc\u04be\u04c0\u04c1\u04c2\u04c3\u04c5\u04c7\u04c9\u04cb\u04cd\u04d0"
    "\u04d1\u04d2\u04d3\u04d4\u04d6\u04d7\u04d8\u04da\u04db\u04dc\u04dd\u04de\u04df\u04e0\u04e2\u04e3"
    "\u04e4\u04e5\u04e6\u04e7\u04e8\u04ea\u04eb\u04ec\u04ed\u04ee\u04ef\u04f0\u04f1\u04f2\u04f3\u04f4"
    "\u04f5\u04f6\u04f8\u04f9\u04fa\u04fc\u04fe\u1e00\u1e01\u1e02\u1e03\u1e04\u1e05\u1e06\u1e07\u1e08"
    "\u1e09\u1e0a\u1e0b\u1e0c\u1e0d\u1e0e\u1e0f\u1e10\u1e11\u1e12\u1e13\u1e14\u1e15\u1e16\u1e17\u1e18"
    "\u1e19\u1e1a\u1e1b\u1e1c\u1e1d\u1e1e\u1e1f\u1e20\u1e21\u1e22\u1e23\u1e24\u1e25\u1e26\u1e27\u1e28"
    "\u1e29\u1e2a\u1e2b\u1e2c\u1e2d\u1e2e\u1e2f\u1e30\u1e31\u1e32\u1e33\u1e34\u1e35\u1e36\u1e37\u1e38"
    "\u1e39\u1e3a\u1e3b\u1e3c\u1e3d\u1e3e\u1e3f\u1e40\u1e41\u1e42\u1e43\u1e44\u1e45\u1e46\u1e47\u1e48"
    "\u1e49\u1e4a\u1e4b\u1e4c\u1e4d\u1e4e\u1e4f\u1e50\u1e51\u1e52\u1e53\u1e54\u1e55\u1e56\u1e57\u1e58"
    "\u1e59\u1e5a\u1e5b\u1e5c\u1e5d\u1e5e\u1e5f\u1e60\u1e61\u1e62\u1e63\u1e64\u1e65\u1e66\u1e67\u1e68"
    "\u1e69\u1e6a\u1e6b\u1e6c\u1e6d\u1e6e\u1e6f\u1e70\u1e71\u1e72\u1e73\u1e74\u1e75\u1e76\u1e77\u1e78"
    "\u1e79\u1e7a\u1e7b\u1e7c\u1e7d\u1e7e\u1e7f\u1e80\u1e81\u1e82\u1e83\u1e84\u1e85\u1e86\u1e87\u1e88"
    "\u1e89\u1e8a\u1e8b\u1e8c\u1e8d\u1e8e\u1e8f\u1e90\u1e91\u1e92\u1e93\u1e94\u1e95\u1e96\u1e97\u1e98"
    "\u1e99\u1ea0\u1ea1\u1ea2\u1ea3\u1ea4\u1ea5\u1ea6\u1ea7\u1ea8\u1ea9\u1eaa\u1eab\u1eac\u1ead\u1eae"
    "\u1eaf\u1eb0\u1eb1\u1eb2\u1eb3\u1eb4\u1eb5\u1eb6\u1eb7\u1eb8\u1eb9\u1eba\u1ebb\u1ebc\u1ebd\u1ebe"
    "\u1ebf\u1ec0\u1ec1\u1ec2\u1ec3\u1ec4\u1ec5\u1ec6\u1ec7\u1ec8\u1ec9\u1eca\u1ecb\u1ecc\u1ecd\u1ece"
    "\u1ecf\u1ed0\u1ed1\u1ed2\u1ed3\u1ed4\u1ed5\u1ed6\u1ed7\u1ed8\u1ed9\u1eda\u1edb\u1edc\u1edd\u1ede"
    "\u1edf\u1ee0\u1ee1\u1ee2\u1ee3\u1ee4\u1ee5\u1ee6\u1ee7\u1ee8\u1ee9\u1eea\u1eeb\u1eec\u1eed\u1eee"
    "\u1eef\u1ef0\u1ef1\u1ef2\u1ef3\u1ef4\u1ef5\u1ef6\u1ef7\u1ef8\u1ef9\u1efa\u1efc\u1efe\u1f00\u1f01"
    "\u1f02\u1f03\u1f04\u1f05\u1f06\u1f07\u1f08\u1f09\u1f0a\u1f0b\u1f0c\u1f0d\u1f0e\u1f0f\u1f10\u1f11"
    "\u1f12\u1f13\u1f14\u1f15\u1f18\u1f19\u1f1a\u1f1b\u1f1c\u1f1d\u1f20\u1f21\u1f22\u1f23\u1f24\u1f25"
    "\u1f26\u1f27\u1f28\u1f29\u1f2a\u1f2b\u1f2c\u1f2d\u1f2e\u1f2f\u1f30\u1f31\u1f32\u1f33\u1f34\u1f35"
    "\u1f36\u1f37\u1f38\u1f39\u1f3a\u1f3b\u1f3c\u1f3d\u1f3e\u1f3f\u1f40\u1f41\u1f42\u1f43\u1f44\u1f45"
    "\u1f48\u1f49\u1f4a\u1f4b\u1f4c\u1f4d\u1f50\u1f51\u1f52\u1f53\u1f54\u1f55\u1f56\u1f57\u1f59\u1f5b"
    "\u1f5d\u1f5f\u1f60\u1f61\u1f62\u1f63\u1f64\u1f65\u1f66\u1f67\u1f68\u1f69\u1f6a\u1f6b\u1f6c\u1f6d"
    "\u1f6e\u1f6f\u1f70\u1f72\u1f74\u1f76\u1f78\u1f7a\u1f7c\u1f80\u1f81\u1f82\u1f83\u1f84\u1f85\u1f86"
    "\u1f87\u1f88\u1f89\u1f8a\u1f8b\u1f8c\u1f8d\u1f8e\u1f8f\u1f90\u1f91\u1f92\u1f93\u1f94\u1f95\u1f96"
    "\u1f97\u1f98\u1f99\u1f9a\u1f9b\u1f9c\u1f9d\u1f9e\u1f9f\u1fa0\u1fa1\u1fa2\u1fa3\u1fa4\u1fa5\u1fa6"
    "\u1fa7\u1fa8\u1fa9\u1faa\u1fab\u1fac\u1fad\u1fae\u1faf\u1fb0\u1fb1\u1fb2\u1fb3\u1fb4\u1fb6\u1fb7"
    "\u1fb8\u1fb9\u1fba\u1fbc\u1fc2\u1fc3\u1fc4\u1fc6\u1fc7\u1fc8\u1fca\u1fcc\u1fd0\u1fd1\u1fd2\u1fd6"
    "\u1fd7\u1fd8\u1fd9\u1fda\u1fe0\u1fe1\u1fe2\u1fe4\u1fe5\u1fe6\u1fe7\u1fe8\u1fe9\u1fea\u1fec\u1ff2"
    "\u1ff3\u1ff4\u1ff6\u1ff7\u1ff8\u1ffa\u1ffc\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"
    "\u2019\u2018\u02bc\u02bb`\u2032\u201c\u201d\u201e\u201f\xab\xbb\u2039\u203a\u2013\u2014\u2015"
    "\u2010\u2012\u2212\u2022\xa1\xbf\xd7\xb7\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308"
    "\u0309\u030a\u030b\u030c\u030d\u030e\u030f\u0310\u0311\u0312\u0313\u0314\u0315\u0316\u0317\u0318"
    "\u0319\u031a\u031b\u031c\u031d\u031e\u031f\u0320\u0321\u0322\u0323\u0324\u0325\u0326\u0327\u0328"
    "\u0329\u032a\u032b\u032c\u032d\u032e\u032f\u0330\u0331\u0332\u0333\u0334\u0335\u0336\u0337\u0338"
    "\u0339\u033a\u033b\u033c\u033d\u033e\u033f\u0342\u0345\u0346\u0347\u0348\u0349\u034a\u034b\u034c"
    "\u034d\u034e\u034f\u0350\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a\u035b\u035c"
    "\u035d\u035e\u035f\u0360\u0361\u0362\u0363\u0364\u0365\u0366\u0367\u0368\u0369\u036a\u036b\u036c"
    "\u036d\u036e\u036f"
)
FOLD_TO = (
    "abcdefghijklmnopqrstuvwxyzaaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccc"
    "cddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkllllllllnnnnnn\u014boooooorrrrrrssssssssttttttuuuuuuuuu"
    "uuuwwyyyzzzzzz\u0253\u0183\u0185\u0254\u0188\u0256\u0257\u018c\u01dd\u0259\u025b\u0192\u0260"
    "\u0263\u0269\u0268\u0199\u026f\u0272\u0275oo\u01a3\u01a5\u0280\u01a8\u0283\u01ad\u0288uu\u028a"
    "\u028b\u01b4\u01b6\u0292\u01b9\u01bdaaiioouuuuuuuuuuaaaa\u01e5ggkkoooo\u0292\u0292jgg\u0195"
    "\u01bfnnaaooaaaaeeeeiiiioooorrrruuuusstt\u021dhh\u019e\u0223\u0225aaeeooooooooyy\u2c65\u023c"
    "\u019a\u2c66\u0242\u0180\u0289\u028c\u0247\u0249\u024b\u024d\u024f\u0371\u0373\u0377\u03f3\u03b1"
    "\u03b5\u03b7\u03b9\u03bf\u03c5\u03c9\u03b9\u03b1\u03b2\u03b3\u03b4\u03b5\u03b6\u03b7\u03b8\u03b9"
    "\u03ba\u03bb\u03bc\u03bd\u03be\u03bf\u03c0\u03c1\u03c3\u03c4\u03c5\u03c6\u03c7\u03c8\u03c9\u03b9"
    "\u03c5\u03b1\u03b5\u03b7\u03b9\u03c5\u03c3\u03b9\u03c5\u03bf\u03c5\u03c9\u03d7\u03d9\u03db\u03dd"
    "\u03df\u03e1\u03e3\u03e5\u03e7\u03e9\u03eb\u03ed\u03ef\u03f8\u03fb\u037b\u037c\u037d\u0435\u0435"
    "\u0452\u0433\u0454\u0455\u0456\u0456\u0458\u0459\u045a\u045b\u043a\u0438\u0443\u045f\u0430\u0431"
    "\u0432\u0433\u0434\u0435\u0436\u0437\u0438\u0438\u043a\u043b\u043c\u043d\u043e\u043f\u0440\u0441"
    "\u0442\u0443\u0444\u0445\u0446\u0447\u0448\u0449\u044a\u044b\u044c\u044d\u044e\u044f\u0438\u0435"
    "\u0435\u0433\u0456\u043a\u0438\u0443\u0461\u0463\u0465\u0467\u0469\u046b\u046d\u046f\u0471\u0473"
    "\u0475\u0475\u0475\u0479\u047b\u047d\u047f\u0481\u048b\u048d\u048f\u0491\u0493\u0495\u0497\u0499"
    "\u049b\u049d\u049f\u04a1\u04a3\u04a5\u04a7\u04a9\u04ab\u04ad\u04af\u04b1\u04b3\u04b5\u04b7\u04b9"
    "\u04bb\u04bd\u04bf\u04cf\u0436\u0436\u04c4\u04c6\u04c8\u04ca\u04cc\u04ce\u0430\u0430\u0430\u0430"
    "\u04d5\u0435\u0435\u04d9\u04d9\u04d9\u0436\u0436\u0437\u0437\u04e1\u0438\u0438\u0438\u0438\u043e"
    "\u043e\u04e9\u04e9\u04e9\u044d\u044d\u0443\u0443\u0443\u0443\u0443\u0443\u0447\u0447\u04f7\u044b"
    "\u044b\u04fb\u04fd\u04ffaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnn"
    "nnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyaaaaaaaaaaaaaa"
    "aaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy\u1efb\u1efd\u1eff"
    "\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1"
    "\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b5\u03b7\u03b7\u03b7\u03b7"
    "\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b9\u03b9\u03b9\u03b9"
    "\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03bf\u03bf\u03bf\u03bf"
    "\u03bf\u03bf\u03bf\u03bf\u03bf\u03bf\u03bf\u03bf\u03c5\u03c5\u03c5\u03c5\u03c5\u03c5\u03c5\u03c5"
    "\u03c5\u03c5\u03c5\u03c5\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9"
    "\u03c9\u03c9\u03c9\u03c9\u03b1\u03b5\u03b7\u03b9\u03bf\u03c5\u03c9\u03b1\u03b1\u03b1\u03b1\u03b1"
    "\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b7\u03b7\u03b7\u03b7\u03b7"
    "\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03b7\u03c9\u03c9\u03c9\u03c9\u03c9"
    "\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03c9\u03b1\u03b1\u03b1\u03b1\u03b1"
    "\u03b1\u03b1\u03b1\u03b1\u03b1\u03b1\u03b7\u03b7\u03b7\u03b7\u03b7\u03b5\u03b7\u03b7\u03b9\u03b9"
    "\u03b9\u03b9\u03b9\u03b9\u03b9\u03b9\u03c5\u03c5\u03c5\u03c1\u03c1\u03c5\u03c5\u03c5\u03c5\u03c5"
    "\u03c1\u03c9\u03c9\u03c9\u03c9\u03c9\u03bf\u03c9\u03c9             ''''''                  ."
)
FOLD_EXPANSIONS = (
    ("\xc6", "ae"),
    ("\xde", "th"),
    ("\xdf", "ss"),
    ("\xe6", "ae"),
    ("\xfe", "th"),
    ("\u0152", "oe"),
    ("\u0153", "oe"),
    ("\u01e2", "ae"),
    ("\u01e3", "ae"),
    ("\u01fc", "ae"),
    ("\u01fd", "ae"),
    ("\u1e9e", "ss"),
)


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fold_expression() -> str:
    expression = f"translate(normalize(title, NFKC), {_sql_literal(FOLD_FROM)}, {_sql_literal(FOLD_TO)})"
    for char, replacement in FOLD_EXPANSIONS:
        expression = f"replace({expression}, {_sql_literal(char)}, {_sql_literal(replacement)})"
    return expression


TITLE_FUNCTIONS = r"""
CREATE FUNCTION catalog_title_fold(title text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN __FOLD__;

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
""".replace("__FOLD__", _fold_expression())

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

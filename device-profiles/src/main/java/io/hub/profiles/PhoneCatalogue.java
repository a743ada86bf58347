package io.hub.profiles;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The phone models the hub knows, read from family files: the built-in ones shipped in this module
 * ({@code io/hub/profiles/models/*.xml}) and, optionally, an operator's directory of files in the same
 * format. Adding a model is adding a file; no code changes.
 *
 * <p>Names are matched without regard to case, spaces or dashes, so {@code Myriad M7},
 * {@code myriad-m7} and a declared alias such as {@code M7} find the same model.
 */
public final class PhoneCatalogue {

    static final String BUILT_IN = "io/hub/profiles/models";
    private static final ObjectMapper XML = new XmlMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, PhoneModel> byName;
    private final Map<String, PhoneModel> byMatchKey;

    private PhoneCatalogue(List<PhoneModel> models) {
        byName = new LinkedHashMap<>();
        byMatchKey = new LinkedHashMap<>();
        for (PhoneModel model : models) {
            for (String name : names(model)) {
                PhoneModel clash = byMatchKey.putIfAbsent(matchKey(name), model);
                if (clash != null && clash != model) {
                    throw new CatalogueException("model name or alias '" + name + "' of " + model.name()
                            + " is already used by " + clash.name());
                }
            }
            byName.put(model.name(), model);
        }
    }

    /** The models shipped with the hub. */
    public static PhoneCatalogue builtIn() {
        return new PhoneCatalogue(readBuiltIn());
    }

    /** The built-in models plus every {@code *.xml} family file in {@code directory} (if it exists). */
    public static PhoneCatalogue builtInPlus(Path directory) {
        List<PhoneModel> models = new ArrayList<>(readBuiltIn());
        if (Files.isDirectory(directory)) {
            for (Path file : xmlFiles(directory)) {
                try (InputStream in = Files.newInputStream(file)) {
                    models.addAll(parse(in, file.toString()));
                } catch (IOException e) {
                    throw new CatalogueException("cannot read " + file + ": " + e.getMessage());
                }
            }
        }
        return new PhoneCatalogue(models);
    }

    /** A catalogue of exactly the given family documents; {@code source} names them in errors. */
    static PhoneCatalogue of(Map<String, InputStream> families) {
        List<PhoneModel> models = new ArrayList<>();
        families.forEach((source, in) -> models.addAll(parse(in, source)));
        return new PhoneCatalogue(models);
    }

    /** The model a phone or an admin names, by its name or an alias. */
    public Optional<PhoneModel> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        // A certificate names its model exactly on every request of a phone: that needs no key built.
        PhoneModel exact = byName.get(name);
        return exact != null ? Optional.of(exact) : Optional.ofNullable(byMatchKey.get(matchKey(name)));
    }

    /**
     * The model named {@code name}.
     *
     * @throws IllegalArgumentException naming the unknown model and the known ones
     */
    public PhoneModel require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + name + "'; known: " + String.join(", ", byName.keySet())));
    }

    public Collection<PhoneModel> models() {
        return byName.values();
    }

    private static List<String> names(PhoneModel model) {
        List<String> names = new ArrayList<>(model.aliases());
        names.add(0, model.name());
        return names;
    }

    /** The name lower-cased without blanks, underscores and dashes; a loop, as every device request asks. */
    private static String matchKey(String name) {
        StringBuilder key = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // The blanks a regular expression calls \s, underscores and dashes.
            if (" \t\n\u000b\f\r_-".indexOf(c) < 0) {
                key.append(c);
            }
        }
        return key.toString().toLowerCase(Locale.ROOT);
    }

    private static List<PhoneModel> readBuiltIn() {
        URL url = PhoneCatalogue.class.getClassLoader().getResource(BUILT_IN);
        if (url == null) {
            throw new CatalogueException("the built-in catalogue " + BUILT_IN + " is missing from the classpath");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                }
                return parseAll(jar.getPath(BUILT_IN));
            }
            return parseAll(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new CatalogueException("cannot locate the built-in catalogue: " + e.getMessage());
        }
    }

    private static List<PhoneModel> parseAll(Path directory) throws IOException {
        List<PhoneModel> models = new ArrayList<>();
        for (Path file : xmlFiles(directory)) {
            try (InputStream in = Files.newInputStream(file)) {
                models.addAll(parse(in, file.getFileName().toString()));
            }
        }
        return models;
    }

    private static List<Path> xmlFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new CatalogueException("cannot list " + directory + ": " + e.getMessage());
        }
    }

    private static List<PhoneModel> parse(InputStream in, String source) {
        FamilyFile family;
        try {
            family = XML.readValue(in, FamilyFile.class);
        } catch (IOException e) {
            throw new CatalogueException(source + " is not a valid family file: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        require(family.name, source, "family name");
        Map<String, String> familyDefaults = settings(family.defaults, source);
        List<PhoneModel> models = new ArrayList<>();
        for (FamilyFile.ModelEntry entry : family.models) {
            require(entry.name, source, "model name");
            Map<String, String> defaults = new LinkedHashMap<>(familyDefaults);
            defaults.putAll(settings(entry.defaults, source + " model " + entry.name));
            String macRule = first(entry.macRule, family.macRule, "cn");
            String template = first(entry.template, family.template, null);
            require(template, source, "template of " + entry.name);
            models.add(new PhoneModel(entry.name, family.name, first(family.vendor, "", ""),
                    entry.lines == null ? 1 : entry.lines, entry.keys == null ? 0 : entry.keys,
                    first(entry.firmwareTrack, family.firmwareTrack, family.name.toLowerCase(Locale.ROOT)),
                    macRule, template, entry.aliases, defaults));
        }
        if (models.isEmpty()) {
            throw new CatalogueException(source + " declares no model");
        }
        return models;
    }

    private static Map<String, String> settings(List<FamilyFile.SettingEntry> entries, String source) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (FamilyFile.SettingEntry entry : entries) {
            Setting setting = Setting.forKey(entry.key).orElseThrow(() -> new CatalogueException(
                    source + ": unknown setting '" + entry.key + "'"));
            try {
                setting.check(entry.value);
            } catch (IllegalArgumentException e) {
                throw new CatalogueException(source + ": " + e.getMessage());
            }
            settings.put(entry.key, entry.value);
        }
        return settings;
    }

    private static void require(String value, String source, String what) {
        if (value == null || value.isBlank()) {
            throw new CatalogueException(source + ": missing " + what);
        }
    }

    private static String first(String a, String b, String fallback) {
        return a != null ? a : b != null ? b : fallback;
    }
}

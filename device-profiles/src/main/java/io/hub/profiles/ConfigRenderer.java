package io.hub.profiles;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a phone's configuration document (SPEC §5) by layering settings, from the most general
 * to the most specific: built-in defaults, global, site, the model's file, the device. Every layer
 * is checked key by key (characters XML cannot carry are refused), every value is escaped, and each
 * template was proven at load to stay well-formed whatever the values ({@link ConfigTemplate}), so a
 * phone never receives a document that is not well-formed.
 */
public final class ConfigRenderer {

    static final String TEMPLATES = "io/hub/profiles/templates/";

    /** Phones fetch the same document again and again; a render costs a template fill and its encoding. */
    private static final int RECENT_RENDERS = 4096;

    private final PhoneCatalogue catalogue;
    private final Map<String, ConfigTemplate> templates = new ConcurrentHashMap<>();
    private final Set<String> placeholders;
    private final Cache<ConfigRequest, RenderedConfig> recent = Caffeine.newBuilder().maximumSize(RECENT_RENDERS)
            .executor(Runnable::run).build();

    public ConfigRenderer(PhoneCatalogue catalogue) {
        this.catalogue = catalogue;
        Set<String> names = new HashSet<>(Setting.keys());
        names.addAll(Set.of("mac", "model.name", "model.family", "model.lines", "model.keys"));
        this.placeholders = Set.copyOf(names);
        for (PhoneModel model : catalogue.models()) {
            template(model.template());
        }
    }

    public PhoneCatalogue catalogue() {
        return catalogue;
    }

    /**
     * Renders the configuration {@code request} describes.
     *
     * @throws IllegalArgumentException for an unknown model, an unknown setting or a bad value,
     *     naming the layer, the key and what is expected
     */
    public RenderedConfig render(ConfigRequest request) {
        // The same layers give the same bytes: the catalogue and templates never change while the
        // renderer lives, so a request equal to a recent one (by value) reuses its document.
        // Rendered outside the cache's lock: two phones asking at once may both render, never wait.
        RenderedConfig known = recent.getIfPresent(request);
        if (known != null) {
            return known;
        }
        RenderedConfig rendered = renderAnew(request);
        recent.put(request, rendered);
        return rendered;
    }

    private RenderedConfig renderAnew(ConfigRequest request) {
        PhoneModel model = catalogue.require(request.model());
        Map<String, String> values = new HashMap<>();
        for (Setting setting : Setting.values()) {
            values.put(setting.key(), setting.defaultValue());
        }
        apply(values, "global", request.global());
        apply(values, "site", request.site());
        apply(values, "model " + model.name(), model.defaults());
        apply(values, "device", request.device());
        if (values.get(Setting.SIP_REGISTRAR_HOST.key()).isBlank()) {
            throw new IllegalArgumentException("sip.registrar.host is not set in any layer");
        }
        values.computeIfPresent(Setting.SIP_DOMAIN.key(),
                (key, domain) -> domain.isBlank() ? values.get(Setting.SIP_REGISTRAR_HOST.key()) : domain);
        values.computeIfPresent(Setting.SIP_ACCOUNT_AUTH_USER.key(),
                (key, user) -> user.isBlank() ? values.get(Setting.SIP_ACCOUNT_USER.key()) : user);
        XmlText.requireXmlCharacters("mac", request.mac());
        values.put("mac", request.mac());
        values.put("model.name", model.name());
        values.put("model.family", model.family());
        values.put("model.lines", Integer.toString(model.lines()));
        values.put("model.keys", Integer.toString(model.keys()));
        return RenderedConfig.of(template(model.template()).render(values).getBytes(StandardCharsets.UTF_8));
    }

    private static void apply(Map<String, String> values, String layer, Map<String, String> settings) {
        settings.forEach((key, value) -> {
            Setting setting = Setting.forKey(key).orElseThrow(() -> new IllegalArgumentException(
                    layer + " layer: unknown setting '" + key + "'"));
            try {
                setting.check(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(layer + " layer: " + e.getMessage());
            }
            values.put(key, value);
        });
    }

    private ConfigTemplate template(String name) {
        return templates.computeIfAbsent(name, n -> ConfigTemplate.parse(n, source(n), ConfigRenderer::source,
                placeholders));
    }

    private static String source(String name) {
        if (!name.matches("[\\w.-]+")) {
            return null;
        }
        try (InputStream in = ConfigRenderer.class.getClassLoader().getResourceAsStream(TEMPLATES + name + ".xml")) {
            if (in == null) {
                throw new CatalogueException("template " + name + " does not exist in " + TEMPLATES);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

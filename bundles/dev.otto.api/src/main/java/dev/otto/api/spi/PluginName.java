package dev.otto.api.spi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type setting {@value PluginProperties#NAME} on a plugin component:
 * {@code @Component @PluginName("jsonl") public class JsonlSink implements TelemetrySink}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PluginName {

    /** Prefix turning the derived name {@code plugin.name} into {@value PluginProperties#NAME}. */
    String PREFIX_ = "otto.";

    /**
     * Returns the plugin's name: short, lower case, stable across versions.
     *
     * @return the value of {@value PluginProperties#NAME}
     */
    String value();
}

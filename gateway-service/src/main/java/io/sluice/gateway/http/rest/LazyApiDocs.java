package io.sluice.gateway.http.rest;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Leaves springdoc's beans, which build the OpenAPI document at {@code /api/v1/openapi.json}, to be created by the
 * document's first request instead of at start-up: they bring swagger's own JSON mappers and several hundred classes
 * that no client needs before someone reads the documentation. The document's endpoint is found by its type, without
 * creating it.
 */
final class LazyApiDocs implements BeanFactoryPostProcessor {

	private static final String SPRINGDOC = "org.springdoc.";

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			if (declaredBySpringdoc(definition, beanFactory)) {
				definition.setLazyInit(true);
			}
		}
	}

	/** Whether the bean is one of springdoc's classes or made by one of its configurations. */
	private static boolean declaredBySpringdoc(BeanDefinition definition, ConfigurableListableBeanFactory beanFactory) {
		String type = definition.getBeanClassName();
		String factory = definition.getFactoryBeanName();
		if (type == null && factory != null && beanFactory.containsBeanDefinition(factory)) {
			type = beanFactory.getBeanDefinition(factory).getBeanClassName();
		}
		if (type == null) {
			Class<?> resolved = definition.getResolvableType().resolve();
			type = (resolved != null) ? resolved.getName() : null;
		}
		return type != null && type.startsWith(SPRINGDOC);
	}

}
